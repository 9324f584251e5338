import t from 'tap'
import fc from 'fast-check'
import { compileCalendar, type CompiledCalendar } from '../../src/modules/sla/business-time.js'
import type { CalendarDefinition } from '../../src/modules/sla/calendar.js'
import {
  cancelClock, pauseClock, restartClock, resumeClock, retargetClock, startClock, stopClock, viewClock, type ClockState
} from '../../src/modules/sla/clock.js'
import { clockViewer, type ClockViewer } from '../../src/modules/sla/clock-view-memo.js'
import { ByteWriter } from '../../src/shared/byte-writer.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const at = (iso: string): number => Date.parse(iso)
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
const definitions: Record<string, CalendarDefinition> = {
  berlin: {
    timeZone: 'Europe/Berlin',
    workingHours: [...weekdays.map(day => ({ day, from: '09:00', to: '12:00' })), ...weekdays.map(day => ({ day, from: '13:00', to: '17:00' }))],
    holidays: [{ date: '2025-10-03', name: 'Unity Day' }, { date: '2025-12-25', name: 'Christmas', recurring: true }]
  },
  // Shifts across midnight, over the autumn DST change.
  newYorkNights: { timeZone: 'America/New_York', workingHours: weekdays.map(day => ({ day, from: '22:00', to: '06:00' })), holidays: [] },
  lordHoweAllDay: { timeZone: 'Australia/Lord_Howe', workingHours: [], holidays: [] }
}
const compiled = Object.fromEntries(Object.entries(definitions).map(([name, d]) => [name, compileCalendar(d)]))
const names = Object.keys(definitions)
// A small writer, so that writing a clock also grows it.
const jsonOf = (viewer: ClockViewer, calendar: CompiledCalendar, now: number): string => {
  const out = new ByteWriter(16)
  viewer.writeJson(calendar, now, out)
  return out.result().toString('utf8')
}

type Op = { kind: 'pause' | 'resume' | 'stop' | 'cancel' | 'retarget' | 'restart', gap: number, goalMs: number }
const goal = fc.oneof(fc.integer({ min: 0, max: 8 * HOUR }), fc.integer({ min: 0, max: 20 * 8 * HOUR }))
const gap = fc.oneof(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 0, max: 3 * DAY }))
const scenario = fc.record({
  calendar: fc.constantFrom(...names),
  startAt: fc.integer({ min: at('2025-09-25T00:00Z'), max: at('2025-11-10T00:00Z') }),
  goalMs: goal,
  ops: fc.array(fc.record({ kind: fc.constantFrom<Op['kind']>('pause', 'resume', 'stop', 'cancel', 'retarget', 'restart'), gap, goalMs: goal }), { maxLength: 8 }),
  // Read instants as offsets from the last transition: mostly forward in small steps, some far, some back.
  reads: fc.array(fc.oneof(fc.integer({ min: 0, max: 2 * HOUR }), fc.integer({ min: -DAY, max: 10 * DAY })), { minLength: 1, maxLength: 12 }),
  // Reads switch calendars now and then: the clock's own, a recompiled copy of it, another one.
  switches: fc.array(fc.constantFrom('same', 'copy', 'other'), { maxLength: 12 })
})

function historyOf (calendar: CompiledCalendar, s: { startAt: number, goalMs: number, ops: Op[] }): { state: ClockState, last: number } {
  let state = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: s.goalMs, calendarId: 'c' }, calendar, s.startAt)
  let now = s.startAt
  for (const op of s.ops) {
    now += op.gap
    switch (op.kind) {
      case 'pause': state = pauseClock(state, now, 'status:pending'); break
      case 'resume': state = resumeClock(state, now); break
      case 'stop': state = stopClock(state, now); break
      case 'cancel': state = cancelClock(state, now); break
      case 'retarget': state = retargetClock(state, op.goalMs); break
      case 'restart': state = restartClock(state, calendar, now, op.goalMs)
    }
  }
  return { state, last: now }
}

t.test('property: a viewer read again and again answers what viewClock answers at each instant, as a view and as JSON', async (t) => {
  fc.assert(fc.property(scenario, (s) => {
    const own = compiled[s.calendar]!
    const { state, last } = historyOf(own, s)
    const viewer = clockViewer('clock-1', state)
    let now = last
    return s.reads.every((offset, i) => {
      now = offset > 0 && i % 2 === 0 ? now + offset : last + offset
      const choice = s.switches[i] ?? 'same'
      const calendar = choice === 'same' ? own : choice === 'copy' ? compileCalendar(definitions[s.calendar]!) : compiled[names[(names.indexOf(s.calendar) + 1) % names.length]!]!
      // Text and view share what they measured: ask in either order.
      const [text, read] = i % 3 === 0 ? [jsonOf(viewer, calendar, now), viewer.view(calendar, now)] : [undefined, viewer.view(calendar, now)]
      const expected = JSON.stringify({ id: 'clock-1', ...viewClock(state, calendar, now) })
      const written = text ?? jsonOf(viewer, calendar, now)
      if (JSON.stringify(read) !== expected) throw new Error(`view at ${new Date(now).toISOString()}: ${JSON.stringify(read)} !== ${expected}`)
      if (written !== expected) throw new Error(`json at ${new Date(now).toISOString()}: ${written} !== ${expected}`)
      return true
    })
  }), { numRuns: 400 })
  t.pass('property held')
})

t.test('a running clock read through its working day, the lunch break and the breach', async (t) => {
  const berlin = compiled.berlin!
  // Monday 2025-06-02, one business hour to go at 11:30: due 13:30, after the lunch break.
  const state = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: 2 * HOUR, calendarId: 'c' }, berlin, at('2025-06-02T10:30+02:00'))
  const viewer = clockViewer('clock-1', state)
  const { view } = viewer
  const read = (iso: string) => view(berlin, at(iso))
  t.match(read('2025-06-02T11:30+02:00'), { state: 'running', businessElapsedMs: HOUR, withinCalendarHours: true, dueAt: '2025-06-02T11:30:00.000Z', percentage: 50 })
  t.match(read('2025-06-02T12:30+02:00'), { state: 'running', businessElapsedMs: 90 * MINUTE, withinCalendarHours: false, actualElapsedMs: 2 * HOUR })
  t.match(read('2025-06-02T13:30+02:00'), { state: 'running', businessElapsedMs: 2 * HOUR, businessRemainingMs: 0, percentage: 100, breachedAt: null })
  t.match(read('2025-06-02T13:30:00.001+02:00'), { state: 'breached', businessRemainingMs: -1, breachedAt: '2025-06-02T11:30:00.000Z' })
  t.match(read('2025-06-02T11:00+02:00'), { state: 'running', businessElapsedMs: 30 * MINUTE, withinCalendarHours: true }, 'an earlier instant is read as it was')
  t.same(JSON.parse(jsonOf(viewer, berlin, at('2025-06-02T16:00+02:00'))), read('2025-06-02T16:00+02:00'), 'the JSON is the view')
  t.throws(() => view(berlin, NaN), RangeError)
  t.throws(() => jsonOf(viewer, berlin, NaN), RangeError)
})
