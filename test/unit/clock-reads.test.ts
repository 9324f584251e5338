import t from 'tap'
import { createClockTextCache } from '../../src/modules/sla/clock-reads.js'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { startClock, pauseClock, viewClock } from '../../src/modules/sla/clock.js'

const calendar = compileCalendar({ timeZone: 'Europe/Berlin', workingHours: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [] })
const start = Date.parse('2026-11-30T08:00:00Z')
const running = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: 3_600_000, calendarId: null }, calendar, start)
const paused = pauseClock(running, start + 600_000, 'status:pending')
const textOf = (state: unknown, revision = 0) => JSON.stringify({ calendarRevision: revision, clocks: [{ id: 'c1', state }] })

t.test('one text is parsed once; its clocks and view bases are reused', async (t) => {
  const read = createClockTextCache()
  const first = read(textOf(running), 't1')
  t.equal(read(textOf(running), 't1'), first, 'the same array for the same text')
  t.same(first[0]!.state, running)
  t.same({ ...first[0], state: undefined, basis: undefined }, { id: 'c1', ticketId: 't1', kind: 'sla', calendarRevision: 0, state: undefined, basis: undefined }, 'the row around the state')
  t.equal(read(JSON.stringify({ calendarRevision: 3, clocks: [] }), 't1').length, 0)
})

t.test('a changed state or calendar revision is another text: never a stale clock', async (t) => {
  const read = createClockTextCache()
  const before = read(textOf(running), 't1')
  const after = read(textOf(paused), 't1')
  t.not(after, before)
  t.equal(after[0]!.basis.pauseReason, 'status:pending')
  t.not(read(textOf(running, 2), 't1'), before)
})

t.test('views from a kept basis equal views computed afresh, at any instant', async (t) => {
  const read = createClockTextCache()
  for (const state of [running, paused]) {
    const [clock] = read(textOf(state), 't1')
    for (const now of [start, start + 1_800_000, start + 86_400_000 * 3]) {
      t.same(viewClock(clock!.state, calendar, now, clock!.basis), viewClock(state, calendar, now))
    }
  }
})

t.test('the oldest texts are dropped beyond the bound', async (t) => {
  const read = createClockTextCache(2)
  const a = read(textOf(running), 't1')
  read(textOf(paused), 't1')
  read(textOf(running, 7), 't1')
  t.not(read(textOf(running), 't1'), a, 'evicted, parsed again')
})
