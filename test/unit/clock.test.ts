import t from 'tap'
import fc from 'fast-check'
import { addBusinessMs, compileCalendar } from '../../src/modules/sla/business-time.js'
import {
  cancelClock, dueEvents, markFired, nextDueInstant, pauseClock, restartClock, resumeClock, retargetClock,
  startClock, stopClock, viewClock, type ClockState
} from '../../src/modules/sla/clock.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const at = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad instant in test: ${iso}`)
  return ms
}
const iso = (local: string): string => new Date(at(local)).toISOString()
// Mon–Fri 09:00–17:00 in Berlin; June 2025 is CEST (+02:00) and 2025-06-02 a Monday.
const berlin = compileCalendar({
  timeZone: 'Europe/Berlin',
  workingHours: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map(day => ({ day, from: '09:00', to: '17:00' })),
  holidays: []
})
const start = (goalMs: number, when: string) => startClock({
  policyId: 'policy-1', policyVersion: 3, kind: 'sla', metric: 'resolution', goalMs, calendarId: 'calendar-1'
}, berlin, at(when))
const view = (state: ClockState, when: string) => viewClock(state, berlin, at(when))

t.test('the view has exactly the API.md fields, exact at the instant asked', async (t) => {
  const clock = start(8 * HOUR, '2025-06-02T08:30+02:00')
  t.same(view(clock, '2025-06-02T10:30+02:00'), {
    policyId: 'policy-1',
    policyVersion: 3,
    kind: 'sla',
    metric: 'resolution',
    goalMs: 28800000,
    state: 'running',
    startedAt: iso('2025-06-02T08:30+02:00'),
    dueAt: iso('2025-06-02T17:00+02:00'),
    originalDueAt: iso('2025-06-02T17:00+02:00'),
    stoppedAt: null,
    breachedAt: null,
    businessElapsedMs: 5400000,
    businessRemainingMs: 23400000,
    actualElapsedMs: 7200000,
    percentage: 18.75,
    paused: false,
    pauseReason: null,
    withinCalendarHours: true,
    pauses: [],
    completedCycles: [],
    calendarId: 'calendar-1',
    timeZone: 'Europe/Berlin'
  }, 'started 08:30, counted from 09:00')
  t.same(JSON.parse(JSON.stringify(clock)), clock, 'the state survives a JSON round trip')
})

t.test('pause and resume move dueAt by exactly the business part of the pause', async (t) => {
  const clock = pauseClock(start(4 * HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T10:00+02:00'), 'status:pending')
  t.match(view(clock, '2025-06-02T10:30+02:00'), {
    state: 'paused',
    paused: true,
    pauseReason: 'status:pending',
    businessElapsedMs: HOUR,
    dueAt: iso('2025-06-02T13:30+02:00'),
    originalDueAt: iso('2025-06-02T13:00+02:00'),
    pauses: [{ from: iso('2025-06-02T10:00+02:00'), to: null, reason: 'status:pending' }]
  }, 'while paused, dueAt is where it would be if the pause ended now')
  const resumed = resumeClock(clock, at('2025-06-02T11:00+02:00'))
  t.match(view(resumed, '2025-06-02T12:00+02:00'), { state: 'running', dueAt: iso('2025-06-02T14:00+02:00'), businessElapsedMs: 2 * HOUR, paused: false })

  const evening = start(4 * HOUR, '2025-06-02T15:00+02:00')
  t.equal(view(evening, '2025-06-02T15:00+02:00').dueAt, iso('2025-06-03T11:00+02:00'))
  const overnight = pauseClock(evening, at('2025-06-02T17:00+02:00'), 'status:pending')
  t.match(view(overnight, '2025-06-02T22:00+02:00'), { state: 'paused', dueAt: iso('2025-06-03T11:00+02:00'), withinCalendarHours: false })
  t.equal(view(resumeClock(overnight, at('2025-06-03T09:00+02:00')), '2025-06-03T10:00+02:00').dueAt, iso('2025-06-03T11:00+02:00'), 'an overnight pause moves nothing')
  const across = resumeClock(pauseClock(evening, at('2025-06-02T16:00+02:00'), 'status:pending'), at('2025-06-03T10:00+02:00'))
  t.equal(view(across, '2025-06-03T10:00+02:00').dueAt, iso('2025-06-03T13:00+02:00'), '16:00 to 10:00 next day withholds 2 business hours')

  t.equal(pauseClock(clock, at('2025-06-02T10:10+02:00'), 'status:other'), clock, 'pausing a paused clock is a no-op')
  t.equal(resumeClock(resumed, at('2025-06-02T12:00+02:00')), resumed, 'resuming a running clock is a no-op')
  t.same(resumeClock(clock, at('2025-06-02T09:59+02:00')).pauses, [], 'a resume stamped before the pause (clock skew) leaves no negative pause')
})

t.test('stop before, at and after the due instant', async (t) => {
  const clock = start(4 * HOUR, '2025-06-02T09:00+02:00')
  t.match(view(stopClock(clock, at('2025-06-02T12:00+02:00')), '2025-06-03T12:00+02:00'), {
    state: 'met', stoppedAt: iso('2025-06-02T12:00+02:00'), breachedAt: null, businessElapsedMs: 3 * HOUR, businessRemainingMs: HOUR, actualElapsedMs: 3 * HOUR
  }, 'a stopped clock no longer counts')
  t.match(view(stopClock(clock, at('2025-06-02T13:00+02:00')), '2025-06-02T14:00+02:00'), { state: 'met', businessRemainingMs: 0, percentage: 100 }, 'reaching the goal exactly is met')
  t.match(view(stopClock(clock, at('2025-06-02T14:30+02:00')), '2025-06-02T15:00+02:00'), {
    state: 'breached', breachedAt: iso('2025-06-02T13:00+02:00'), businessRemainingMs: -1.5 * HOUR, percentage: 137.5
  })
  const pausedStop = stopClock(pauseClock(clock, at('2025-06-02T12:00+02:00'), 'status:pending'), at('2025-06-02T15:00+02:00'))
  t.match(view(pausedStop, '2025-06-02T16:00+02:00'), { state: 'met', paused: false, businessElapsedMs: 3 * HOUR, pauses: [{ to: iso('2025-06-02T15:00+02:00') }] }, 'stopping ends the pause')
  t.equal(stopClock(pausedStop, at('2025-06-02T16:00+02:00')), pausedStop, 'stopping twice is a no-op')
})

t.test('the breach follows the due instant, not the next working minute', async (t) => {
  const friday = start(4 * HOUR, '2025-06-06T13:00+02:00')
  t.match(view(friday, '2025-06-07T10:00+02:00'), {
    state: 'breached', breachedAt: iso('2025-06-06T17:00+02:00'), businessRemainingMs: 0, percentage: 100, withinCalendarHours: false
  }, 'due Friday 17:00 and still open on Saturday is breached, with no business time left')
  t.equal(view(stopClock(friday, at('2025-06-07T10:00+02:00')), '2025-06-09T10:00+02:00').state, 'breached')
  const pausedAtDue = pauseClock(start(4 * HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T13:00+02:00'), 'status:pending')
  t.match(view(pausedAtDue, '2025-06-02T15:00+02:00'), { state: 'paused', breachedAt: null, businessRemainingMs: 0, dueAt: iso('2025-06-02T13:00+02:00') },
    'a clock paused exactly at its due instant has not overrun')
  const resumed = resumeClock(pausedAtDue, at('2025-06-02T15:00+02:00'))
  t.equal(view(stopClock(resumed, at('2025-06-02T15:00+02:00')), '2025-06-02T15:00+02:00').state, 'met', 'and is met if stopped as it resumes')
  t.match(view(resumed, '2025-06-02T15:00:00.001+02:00'), { state: 'breached', breachedAt: iso('2025-06-02T15:00+02:00') }, 'otherwise breached when it resumes')
  t.equal(nextDueInstant(pausedAtDue, berlin, []), null, 'no breach is scheduled while the pause lasts')
  t.equal(nextDueInstant(resumed, berlin, []), at('2025-06-02T15:00:00.001+02:00'))
})

t.test('cancel ends the cycle without a verdict', async (t) => {
  const clock = cancelClock(pauseClock(start(HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T09:30+02:00'), 'status:pending'), at('2025-06-02T11:00+02:00'))
  t.match(view(clock, '2025-06-02T12:00+02:00'), { state: 'cancelled', stoppedAt: iso('2025-06-02T11:00+02:00'), paused: false, businessElapsedMs: 30 * MINUTE })
  for (const next of [pauseClock(clock, at('2025-06-02T12:00+02:00'), 'x'), resumeClock(clock, at('2025-06-02T12:00+02:00')), stopClock(clock, at('2025-06-02T12:00+02:00')), cancelClock(clock, at('2025-06-02T12:00+02:00')), retargetClock(clock, 2 * HOUR)]) {
    t.equal(next, clock, 'a cancelled clock ignores further transitions')
  }
  t.same(dueEvents(clock, berlin, at('2025-06-03T12:00+02:00'), [50]), [{ type: 'sla.warning', cycle: 1, threshold: 50, at: at('2025-06-02T09:30+02:00') }], 'it still owes what happened before the cancel')
})

t.test('reopen keeps the completed cycle and starts a fresh one', async (t) => {
  const first = stopClock(resumeClock(pauseClock(start(4 * HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T10:00+02:00'), 'status:pending'), at('2025-06-02T10:30+02:00')), at('2025-06-02T12:00+02:00'))
  const reopened = restartClock(first, berlin, at('2025-06-04T10:00+02:00'), 4 * HOUR)
  t.equal(reopened.cycle, 2)
  t.same(view(reopened, '2025-06-04T11:00+02:00'), {
    ...view(reopened, '2025-06-04T11:00+02:00'),
    state: 'running',
    startedAt: iso('2025-06-04T10:00+02:00'),
    dueAt: iso('2025-06-04T14:00+02:00'),
    originalDueAt: iso('2025-06-04T14:00+02:00'),
    businessElapsedMs: HOUR,
    pauses: [],
    completedCycles: [{
      cycle: 1,
      startedAt: iso('2025-06-02T09:00+02:00'),
      stoppedAt: iso('2025-06-02T12:00+02:00'),
      goalMs: 4 * HOUR,
      dueAt: iso('2025-06-02T13:30+02:00'),
      businessElapsedMs: 2.5 * HOUR,
      result: 'met',
      breachedAt: null,
      pauses: [{ from: iso('2025-06-02T10:00+02:00'), to: iso('2025-06-02T10:30+02:00'), reason: 'status:pending' }]
    }]
  })
  const reset = restartClock(start(HOUR, '2025-06-02T09:00+02:00'), berlin, at('2025-06-02T11:00+02:00'), HOUR)
  t.match(reset.completedCycles, [{ result: 'breached', breachedAt: at('2025-06-02T10:00+02:00'), stoppedAt: at('2025-06-02T11:00+02:00'), businessElapsedMs: 2 * HOUR }], 'a reset of an open clock ends its cycle then')
  const cancelled = restartClock(cancelClock(start(HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T09:10+02:00')), berlin, at('2025-06-03T09:00+02:00'), HOUR)
  t.match(cancelled.completedCycles, [{ result: 'cancelled', stoppedAt: at('2025-06-02T09:10+02:00') }])
})

t.test('the next cycle runs under the goal it is given, the completed one keeps its own', async (t) => {
  const first = stopClock(start(8 * HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T10:00+02:00'))
  const raised = restartClock(first, berlin, at('2025-06-03T09:00+02:00'), 2 * HOUR)
  t.match(view(raised, '2025-06-03T10:00+02:00'), { goalMs: 2 * HOUR, dueAt: iso('2025-06-03T11:00+02:00'), originalDueAt: iso('2025-06-03T11:00+02:00'), businessRemainingMs: HOUR })
  t.match(raised.completedCycles, [{ cycle: 1, goalMs: 8 * HOUR, result: 'met' }])
  t.throws(() => restartClock(first, berlin, at('2025-06-03T09:00+02:00'), Number.NaN), RangeError)
})

t.test('retarget keeps the elapsed time and changes what remains', async (t) => {
  const clock = start(8 * HOUR, '2025-06-02T09:00+02:00')
  t.match(view(clock, '2025-06-02T11:00+02:00'), { businessElapsedMs: 2 * HOUR, businessRemainingMs: 6 * HOUR, dueAt: iso('2025-06-02T17:00+02:00') })
  t.match(view(retargetClock(clock, 4 * HOUR), '2025-06-02T11:00+02:00'), {
    goalMs: 4 * HOUR,
    businessElapsedMs: 2 * HOUR,
    businessRemainingMs: 2 * HOUR,
    percentage: 50,
    dueAt: iso('2025-06-02T13:00+02:00'),
    originalDueAt: iso('2025-06-02T17:00+02:00')
  })
  t.match(view(retargetClock(clock, HOUR), '2025-06-02T11:00+02:00'), { state: 'breached', breachedAt: iso('2025-06-02T10:00+02:00'), businessRemainingMs: -HOUR, percentage: 200 })
  const paused = resumeClock(pauseClock(clock, at('2025-06-02T10:00+02:00'), 'status:pending'), at('2025-06-02T11:00+02:00'))
  t.equal(view(retargetClock(paused, 4 * HOUR), '2025-06-02T11:00+02:00').dueAt, iso('2025-06-02T14:00+02:00'), 'the pause still counts after a retarget')
  const stopped = stopClock(clock, at('2025-06-02T12:00+02:00'))
  t.equal(retargetClock(stopped, HOUR), stopped, 'a stopped cycle keeps its verdict')
  t.throws(() => retargetClock(clock, -1), RangeError)
})

t.test('percentages never reach 100 before the due instant', async (t) => {
  t.equal(view(start(8 * HOUR, '2025-06-02T09:00+02:00'), '2025-06-02T16:59:59.999+02:00').percentage, 99.99)
  t.equal(view(start(8 * HOUR, '2025-06-02T09:00+02:00'), '2025-06-02T17:00+02:00').percentage, 100)
  t.equal(view(start(3 * HOUR, '2025-06-02T09:00+02:00'), '2025-06-02T11:59:59.999+02:00').percentage, 99.99)
  const zero = start(0, '2025-06-07T12:00+02:00')
  t.equal(view(zero, '2025-06-08T12:00+02:00').percentage, 0, 'a zero goal started on Saturday is not used up before Monday')
  t.equal(view(zero, '2025-06-09T09:00+02:00').percentage, 100)
  fc.assert(fc.property(fc.integer({ min: at('2025-01-01T00:00Z'), max: at('2026-01-01T00:00Z') }), fc.integer({ min: 1, max: 40 * 8 * HOUR }), (startAt, goalMs) => {
    const clock = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs, calendarId: null }, berlin, startAt)
    const due = clock.originalDueAt!
    return viewClock(clock, berlin, due - 1).percentage < 100 && viewClock(clock, berlin, due).percentage === 100
  }))
})

t.test('dueAt is null only when the calendar has no working time for years', async (t) => {
  const dates = Array.from({ length: 366 }, (_, i) => new Date(at('2024-01-01T00:00Z') + i * DAY).toISOString().slice(0, 10))
  const never = compileCalendar({ timeZone: 'UTC', workingHours: [], holidays: dates.map(date => ({ date, name: date, recurring: true })) })
  const clock = startClock({ policyId: 'p', policyVersion: 1, kind: 'uc', metric: 'first_response', goalMs: HOUR, calendarId: null }, never, at('2025-06-02T09:00Z'))
  t.match(viewClock(clock, never, at('2025-06-03T09:00Z')), { state: 'running', dueAt: null, originalDueAt: null, businessElapsedMs: 0, percentage: 0, withinCalendarHours: false })
  t.equal(nextDueInstant(clock, never, [50]), null)
})

t.test('bad inputs are refused clearly', async (t) => {
  t.throws(() => startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: HOUR, calendarId: null }, berlin, Number.NaN), RangeError)
  t.throws(() => start(1.5, '2025-06-02T09:00Z'), RangeError, 'goals are whole milliseconds')
  const corrupt: ClockState = { ...start(HOUR, '2025-06-02T09:00Z'), pauses: [{ from: at('2025-06-02T10:00Z'), to: at('2025-06-02T09:30Z'), reason: 'x' }] }
  t.throws(() => view(corrupt, '2025-06-02T11:00Z'), RangeError, 'a corrupt ledger fails loudly instead of reading as no due instant')
})

t.test('warnings and the breach fire once per cycle, again after a restart', async (t) => {
  const warnAt = [75, 50]
  let clock = start(8 * HOUR, '2025-06-02T09:00+02:00')
  const poll = (when: string) => {
    const events = dueEvents(clock, berlin, at(when), warnAt)
    clock = markFired(clock, events)
    t.same(dueEvents(clock, berlin, at(when), warnAt), [], `nothing is owed twice at ${when}`)
    return events
  }
  t.equal(nextDueInstant(clock, berlin, warnAt), at('2025-06-02T13:00+02:00'))
  t.same(poll('2025-06-02T12:59:59.999+02:00'), [])
  t.same(poll('2025-06-02T13:00+02:00'), [{ type: 'sla.warning', cycle: 1, threshold: 50, at: at('2025-06-02T13:00+02:00') }])
  t.equal(nextDueInstant(clock, berlin, warnAt), at('2025-06-02T15:00+02:00'))
  t.same(poll('2025-06-02T16:00+02:00'), [{ type: 'sla.warning', cycle: 1, threshold: 75, at: at('2025-06-02T15:00+02:00') }])
  t.equal(nextDueInstant(clock, berlin, warnAt), at('2025-06-02T17:00:00.001+02:00'), 'the breach is due just after the goal is reached')
  t.same(poll('2025-06-02T17:00+02:00'), [])
  t.same(poll('2025-06-02T17:00:00.001+02:00'), [{ type: 'sla.breached', cycle: 1, at: at('2025-06-02T17:00+02:00') }])
  t.equal(nextDueInstant(clock, berlin, warnAt), null)
  t.same(poll('2025-06-10T12:00+02:00'), [])

  clock = restartClock(clock, berlin, at('2025-06-04T09:00+02:00'), clock.goalMs)
  t.same(poll('2025-06-05T10:00+02:00').map(e => [e.type, e.cycle, e.at]), [
    ['sla.warning', 2, at('2025-06-04T13:00+02:00')], ['sla.warning', 2, at('2025-06-04T15:00+02:00')], ['sla.breached', 2, at('2025-06-04T17:00+02:00')]
  ], 'a late job catches up, oldest first')
  t.equal(markFired(clock, [{ type: 'sla.warning', cycle: 1, threshold: 90, at: 0 }]), clock, 'events of another cycle are ignored')

  const paused = pauseClock(start(8 * HOUR, '2025-06-02T09:00+02:00'), at('2025-06-02T14:00+02:00'), 'status:pending')
  t.equal(nextDueInstant(paused, berlin, warnAt), at('2025-06-02T13:00+02:00'), 'an unfired warning from before the pause is still owed')
  t.equal(nextDueInstant(markFired(paused, dueEvents(paused, berlin, at('2025-06-02T14:00+02:00'), warnAt)), berlin, warnAt), null, 'the rest waits for the resume')
  t.throws(() => dueEvents(paused, berlin, at('2025-06-02T14:00+02:00'), [0]), RangeError)
})

// Properties: random histories of transitions at increasing instants on the Berlin calendar.
type Op = { kind: 'pause' | 'resume' | 'stop' | 'cancel' | 'retarget' | 'restart', gap: number, goalMs: number }
const goal = fc.oneof(fc.integer({ min: 0, max: 8 * HOUR }), fc.integer({ min: 0, max: 30 * 8 * HOUR }))
const gap = fc.oneof(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 0, max: 3 * DAY }))
const history = (kinds: Array<Op['kind']>) => fc.record({
  startAt: fc.integer({ min: at('2025-01-01T00:00Z'), max: at('2026-01-01T00:00Z') }),
  goalMs: goal,
  ops: fc.array(fc.record({ kind: fc.constantFrom(...kinds), gap, goalMs: goal }), { maxLength: 12 })
})
const apply = (state: ClockState, op: Op, now: number): ClockState => {
  switch (op.kind) {
    case 'pause': return pauseClock(state, now, 'status:pending')
    case 'resume': return resumeClock(state, now)
    case 'stop': return stopClock(state, now)
    case 'cancel': return cancelClock(state, now)
    case 'retarget': return retargetClock(state, op.goalMs)
    case 'restart': return restartClock(state, berlin, now, op.goalMs)
  }
}
/** Runs a history, calling `check` with the state after each step and the step's instant. */
type History = { startAt: number, goalMs: number, ops: Op[] }
const startOf = (h: History) => startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: h.goalMs, calendarId: null }, berlin, h.startAt)
const run = (h: History, check: (state: ClockState, now: number, before: ClockState) => boolean) => {
  let state = startOf(h)
  let now = h.startAt
  for (const op of h.ops) {
    now += op.gap
    const before = state
    state = apply(state, op, now)
    if (!check(state, now, before)) return false
  }
  return true
}
const ALL: Array<Op['kind']> = ['pause', 'resume', 'stop', 'cancel', 'retarget', 'restart']

t.test('property: elapsed plus remaining is the goal, and percentages stay below 100 before dueAt', async (t) => {
  fc.assert(fc.property(history(['pause', 'resume', 'retarget']), fc.integer({ min: 0, max: 2 * DAY }), (h, extra) => run(h, (state, now) => {
    const v = viewClock(state, berlin, now + extra)
    const isEarly = v.dueAt !== null && now + extra < Date.parse(v.dueAt)
    return v.businessElapsedMs + v.businessRemainingMs === v.goalMs && (!isEarly || v.percentage < 100)
  })))
  t.pass('property held')
})

t.test('property: a pause never moves dueAt earlier', async (t) => {
  fc.assert(fc.property(history(['pause', 'resume']), h => {
    const unpaused = addBusinessMs(berlin, h.startAt, h.goalMs)
    let last = unpaused
    return run(h, (state, now) => {
      const due = Date.parse(viewClock(state, berlin, now).dueAt!)
      const ok = due >= last && due >= unpaused
      last = due
      return ok
    })
  }))
  t.pass('property held')
})

t.test('property: transitions never mutate their input', async (t) => {
  fc.assert(fc.property(history(ALL), h => run(h, (_state, now, before) => {
    const copy = structuredClone(before)
    for (const op of ALL) apply(before, { kind: op, gap: 0, goalMs: 1 }, now + HOUR)
    markFired(before, dueEvents(before, berlin, now + DAY, [50, 80]))
    return JSON.stringify(before) === JSON.stringify(copy)
  })))
  t.pass('property held')
})

t.test('property: views at increasing times never lose business elapsed', async (t) => {
  fc.assert(fc.property(history(['pause', 'resume', 'stop', 'cancel', 'retarget']), h => {
    let last = -1
    return run(h, (state, now) => {
      const elapsed = viewClock(state, berlin, now).businessElapsedMs
      const ok = elapsed >= last
      last = elapsed
      return ok
    })
  }))
  t.pass('property held')
})

t.test('property: polling fires every event at most once, and nextDueInstant is when the next one falls due', async (t) => {
  const warnAt = [50, 75, 90]
  fc.assert(fc.property(history(['pause', 'resume', 'stop', 'retarget']), h => {
    const fired: string[] = []
    let state = startOf(h)
    const poll = (now: number): boolean => {
      const events = dueEvents(state, berlin, now, warnAt)
      fired.push(...events.map(e => e.type === 'sla.warning' ? `warning ${e.threshold}` : 'breach'))
      state = markFired(state, events)
      const due = nextDueInstant(state, berlin, warnAt)
      return dueEvents(state, berlin, now, warnAt).length === 0 &&
        (due === null || (due > now && dueEvents(state, berlin, due, warnAt).length > 0))
    }
    let now = h.startAt
    for (const op of h.ops) {
      now += op.gap
      state = apply(state, op, now)
      if (!poll(now)) return false
    }
    const end = now + 400 * DAY
    if (!poll(end)) return false
    const isBreached = viewClock(state, berlin, end).state === 'breached'
    return new Set(fired).size === fired.length && (!isBreached || fired.includes('breach'))
  }))
  t.pass('property held')
})
