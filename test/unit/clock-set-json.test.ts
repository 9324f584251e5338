import t from 'tap'
import fc from 'fast-check'
import { compileCalendar, type CompiledCalendar } from '../../src/modules/sla/business-time.js'
import { pauseClock, resumeClock, retargetClock, startClock, stopClock, type ClockState } from '../../src/modules/sla/clock.js'
import { clockViewer } from '../../src/modules/sla/clock-view-memo.js'
import { viewClock } from '../../src/modules/sla/clock-view.js'
import { clockSetJson } from '../../src/modules/sla/clock-set-json.js'
import { ByteWriter } from '../../src/shared/byte-writer.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
const calendars: CompiledCalendar[] = [
  compileCalendar({ timeZone: 'Europe/Berlin', workingHours: [...weekdays.map(day => ({ day, from: '09:00', to: '12:00' })), ...weekdays.map(day => ({ day, from: '13:00', to: '17:00' }))], holidays: [{ date: '2025-12-25', name: 'Christmas', recurring: true }] }),
  compileCalendar({ timeZone: 'America/New_York', workingHours: weekdays.map(day => ({ day, from: '22:00', to: '06:00' })), holidays: [] }),
  compileCalendar({ timeZone: 'UTC', workingHours: [], holidays: [] })
]

const written = (write: (out: ByteWriter) => void): string => {
  const out = new ByteWriter(8)
  write(out)
  return out.result().toString('utf8')
}
/** Each clock's view as viewClock computes it afresh, as JSON.stringify writes it, comma separated. */
const oneByOne = (clocks: ReadonlyArray<{ id: string, state: ClockState, calendar: CompiledCalendar }>, now: number) =>
  clocks.map(({ id, state, calendar }) => JSON.stringify({ id, ...viewClock(state, calendar, now) })).join(',')

type Step = 'pause' | 'resume' | 'stop' | 'retarget'
const clockArb = fc.record({
  calendar: fc.nat(calendars.length - 1),
  startOffset: fc.integer({ min: -10 * DAY, max: 0 }),
  goalMs: fc.oneof(fc.integer({ min: 0, max: 8 * HOUR }), fc.integer({ min: 0, max: 20 * 8 * HOUR })),
  // Transitions before the first read; a pause that is never resumed makes the clock non-linear.
  steps: fc.array(fc.record({ step: fc.constantFrom<Step>('pause', 'resume', 'stop', 'retarget'), gap: fc.integer({ min: 0, max: 2 * DAY }) }), { maxLength: 4 })
})

function clockOf (spec: { calendar: number, startOffset: number, goalMs: number, steps: Array<{ step: Step, gap: number }> }, start: number, id: number) {
  const calendar = calendars[spec.calendar]!
  let state: ClockState = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: spec.goalMs, calendarId: 'c' }, calendar, start + spec.startOffset)
  let at = start + spec.startOffset
  for (const { step, gap } of spec.steps) {
    at = Math.min(start, at + gap)
    if (step === 'pause') state = pauseClock(state, at, 'status:pending')
    if (step === 'resume') state = resumeClock(state, at)
    if (step === 'stop') state = stopClock(state, at)
    if (step === 'retarget') state = retargetClock(state, spec.goalMs * 2)
  }
  return { id: `clock-${id}`, state, viewer: clockViewer(`clock-${id}`, state), calendar }
}

t.test('property: a set writes at every instant of its span what the clocks write one by one', async (t) => {
  let built = 0
  fc.assert(fc.property(
    fc.integer({ min: Date.parse('2025-09-20T00:00Z'), max: Date.parse('2026-01-10T00:00Z') }),
    fc.array(clockArb, { maxLength: 4 }),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 10 * MINUTE }), fc.integer({ min: 0, max: 3 * DAY })), { minLength: 1, maxLength: 10 }),
    (start, specs, offsets) => {
      const clocks = specs.map((spec, i) => clockOf(spec, start, i))
      const parts = clocks.map(({ viewer, calendar }) => viewer.stretch(calendar, start))
      // A clock with an open pause has no stretch: its ticket's clocks are written one by one.
      if (parts.some(p => p === undefined)) return true
      const set = clockSetJson(parts.map(p => p!))
      if (start < set.from || start >= set.to) throw new Error(`the set built at ${start} does not cover it: [${set.from}, ${set.to})`)
      built++
      for (const now of [start, ...offsets.map(o => start + o)]) {
        if (now >= set.to) continue
        const expected = oneByOne(clocks, now)
        const actual = written(out => set.write(out, now))
        if (actual !== expected) throw new Error(`at ${new Date(now).toISOString()}:\n${actual}\n!==\n${expected}`)
      }
      return true
    }), { numRuns: 300 })
  t.ok(built > 100, `sets were built and read (${built})`)
})

t.test('a set across a breach and the end of a working span', async (t) => {
  const berlin = calendars[0]!
  const start = Date.parse('2025-06-02T10:30+02:00')
  // One business hour: due 11:30, breached from 11:30:00.001; the working span ends at 12:00.
  const running = { id: 'a', state: startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: HOUR, calendarId: 'c' }, berlin, start), calendar: berlin }
  const stopped = { id: 'b', state: stopClock(startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'first_response', goalMs: HOUR, calendarId: 'c' }, berlin, start), start + 5 * MINUTE), calendar: berlin }
  const clocks = [running, stopped]
  const now = Date.parse('2025-06-02T11:00+02:00')
  const set = clockSetJson(clocks.map(({ id, state }) => clockViewer(id, state).stretch(berlin, now)!))
  t.equal(set.to, Date.parse('2025-06-02T12:00+02:00'), 'valid to the end of the working span')
  for (const iso of ['2025-06-02T11:00+02:00', '2025-06-02T11:30+02:00', '2025-06-02T11:30:00.001+02:00', '2025-06-02T11:59:59.999+02:00']) {
    t.equal(written(out => set.write(out, Date.parse(iso))), oneByOne(clocks, Date.parse(iso)), iso)
  }
  t.match(JSON.parse(`[${written(out => set.write(out, Date.parse('2025-06-02T11:45+02:00')))}]`), [{ id: 'a', state: 'breached', businessRemainingMs: -15 * MINUTE }, { id: 'b', state: 'met' }])
  t.equal(written(out => clockSetJson([]).write(out, now)), '', 'no clocks, no bytes')
})
