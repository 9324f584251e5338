import t from 'tap'
import fc from 'fast-check'
import { isoString } from '../../src/shared/iso-time.js'

const MIN = Date.parse('0000-01-01T00:00:00.000Z')
const MAX = Date.parse('9999-12-31T23:59:59.999Z')

t.test('isoString writes what Date#toISOString writes for every instant in years 0000-9999', async (t) => {
  fc.assert(fc.property(fc.integer({ min: MIN, max: MAX }), (ms) => isoString(ms) === new Date(ms).toISOString()), { numRuns: 20_000 })
  t.pass()
})

t.test('isoString at the edges: epoch, leap days, year and century ends, the range limits', async (t) => {
  const cases = ['1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '2100-03-01T00:00:00.000Z',
    '1900-02-28T00:00:00.001Z', '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '0400-02-29T06:07:08.009Z']
  for (const text of cases) t.equal(isoString(Date.parse(text)), text)
})

t.test('isoString falls back to Date outside 0000-9999 and for fractional ms', async (t) => {
  for (const ms of [MIN - 1, MAX + 1, 1.5, -8.64e15, 8.64e15]) t.equal(isoString(ms), new Date(ms).toISOString())
  t.throws(() => isoString(Number.NaN), RangeError)
})
