/**
 * Which warning and breach events a clock owes, so a job can emit each exactly once per cycle:
 * dueEvents lists what is owed, markFired records it in the state (saved in the same transaction
 * as the events), nextDueInstant says when to look at the clock again (an indexed column).
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ClockState } from './clock.js'
import { assertInstant, breachInstant, cycleInstant, thresholdMs } from './clock-math.js'

/** An event a clock owes; `at` is the epoch-ms instant it happened, `cycle` the clock cycle it belongs to. */
export type ClockEvent =
  | { type: 'sla.warning', cycle: number, threshold: number, at: number }
  | { type: 'sla.breached', cycle: number, at: number }

/**
 * The events due by `nowMs` and not yet fired this cycle, oldest first: a warning once the cycle
 * has counted `threshold` percent of its goal, the breach once it is breached (see ./clock.ts).
 * A stopped or cancelled cycle still owes what happened before it ended, so a late job catches up;
 * restartClock forgets what the old cycle owed, so run this first.
 */
export function dueEvents (state: ClockState, calendar: CompiledCalendar, nowMs: number, warnAt: readonly number[]): ClockEvent[] {
  assertInstant(nowMs, 'nowMs')
  const limit = Math.min(nowMs, cycleEnd(state))
  const events: ClockEvent[] = []
  for (const threshold of pendingThresholds(state, warnAt)) {
    const at = warningInstant(state, calendar, threshold)
    if (at !== null && at <= limit) events.push({ type: 'sla.warning', cycle: state.cycle, threshold, at })
  }
  const breach = pendingBreach(state, calendar)
  if (breach !== null && breach < limit) events.push({ type: 'sla.breached', cycle: state.cycle, at: breach })
  return events.sort((a, b) => a.at - b.at)
}

/** The state with `events` recorded as fired; events of another cycle are ignored. */
export function markFired (state: ClockState, events: readonly ClockEvent[]): ClockState {
  const mine = events.filter(e => e.cycle === state.cycle)
  const fired = new Set(state.firedWarnings)
  for (const event of mine) if (event.type === 'sla.warning') fired.add(event.threshold)
  const breachFired = state.breachFired || mine.some(e => e.type === 'sla.breached')
  if (fired.size === state.firedWarnings.length && breachFired === state.breachFired) return state
  return { ...state, firedWarnings: [...fired].sort((a, b) => a - b), breachFired }
}

/**
 * The earliest instant at which dueEvents will return something this clock has not fired, or null
 * when nothing more can fall due without a transition (all fired, or the rest lies beyond an open
 * pause or the cycle's end). It can be in the past: an event that fell due before a pause or a
 * stop but has not been fired is still owed. For the breach it is one ms after the breach instant,
 * since reaching the goal exactly is not yet a breach.
 */
export function nextDueInstant (state: ClockState, calendar: CompiledCalendar, warnAt: readonly number[]): number | null {
  const end = cycleEnd(state)
  let next = Infinity
  for (const threshold of pendingThresholds(state, warnAt)) {
    const at = warningInstant(state, calendar, threshold)
    if (at !== null && at <= end && at < next) next = at
  }
  const breach = pendingBreach(state, calendar)
  if (breach !== null && breach < end && breach + 1 < next) next = breach + 1
  return next === Infinity ? null : next
}

function cycleEnd (state: ClockState): number {
  return state.stoppedAt ?? state.cancelledAt ?? Infinity
}

/** The thresholds not fired yet this cycle, ascending and once each. */
function pendingThresholds (state: ClockState, warnAt: readonly number[]): number[] {
  for (const threshold of warnAt) {
    if (!(threshold > 0 && threshold <= 100)) throw new RangeError(`warning thresholds must be percentages in (0, 100], got ${threshold}`)
  }
  return [...new Set(warnAt)].filter(t => !state.firedWarnings.includes(t)).sort((a, b) => a - b)
}

/** With the open pause still open, a threshold after it has no instant yet (null). */
function warningInstant (state: ClockState, calendar: CompiledCalendar, threshold: number): number | null {
  return cycleInstant(calendar, state.startedAt, thresholdMs(state.goalMs, threshold), state.pauses)
}

function pendingBreach (state: ClockState, calendar: CompiledCalendar): number | null {
  if (state.breachFired) return null
  return breachInstant(cycleInstant(calendar, state.startedAt, state.goalMs, state.pauses), state.pauses)
}
