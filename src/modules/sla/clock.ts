/**
 * SLA clocks as plain, JSON-serialisable state and pure transitions over it: no I/O, no clock
 * reads; instants are epoch ms passed in. A transition never mutates its input; a transition that
 * does not apply (pausing a paused clock, stopping a stopped one) returns the input unchanged.
 *
 * When a clock is breached: business time is what counts, but the verdict follows the due instant
 * (the earliest instant at which business elapsed reaches the goal). A cycle is breached at any
 * instant after its due instant, unless it has been paused ever since. Inside working time that is
 * exactly "business elapsed exceeds the goal"; it differs only on the non-working stretch right
 * after a due instant that ends a working span: a clock due Friday 17:00 and still open on Saturday
 * is breached then (business elapsed = goal, remaining 0), not at Monday 09:00:00.001, so the breach
 * event fires at the instant it names. Reaching the goal exactly (a stop at 17:00:00.000) is met.
 * A clock paused exactly at its due instant has not overrun: it breaches when it resumes, unless
 * it stops at that same instant. A running or paused clock that is breached reads `breached`.
 *
 * Instants earlier than the latest one a clock has recorded are clamped to it, so a few ms of
 * clock skew between API instances cannot produce a pause that ends before it starts.
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import { assertGoal, assertInstant, cycleInstant, latestInstant, measureCycle } from './clock-math.js'
import type { Metric, PolicyKind } from './policy.js'

export { viewClock, type ClockView, type ClockViewState, type CompletedCycleView, type PauseView } from './clock-view.js'
export { dueEvents, markFired, nextDueInstant, type ClockEvent } from './clock-events.js'

/** How a cycle ended. */
export type CycleResult = 'met' | 'breached' | 'cancelled'

/** A span in the pause ledger: [from, to) in epoch ms, `to: null` while open; reason like `status:pending`. */
export interface ClockPause {
  from: number
  to: number | null
  reason: string
}

/** A cycle frozen when the clock restarted; later calendar or goal changes do not touch it. */
export interface CompletedCycle {
  cycle: number
  startedAt: number
  stoppedAt: number
  goalMs: number
  dueAt: number | null
  businessElapsedMs: number
  result: CycleResult
  breachedAt: number | null
  pauses: ClockPause[]
}

/**
 * One ticket × policy clock, storable as JSON (a jsonb column). Instants are epoch ms. `pauses`,
 * `firedWarnings` and `breachFired` belong to the current cycle; restartClock resets them.
 */
export interface ClockState {
  policyId: string
  policyVersion: number
  kind: PolicyKind
  metric: Metric
  goalMs: number
  calendarId: string | null
  timeZone: string
  /** 1 for the first cycle, +1 on each restart. */
  cycle: number
  startedAt: number
  stoppedAt: number | null
  cancelledAt: number | null
  /** The due instant when the cycle started: kept when pauses or a retarget move the due instant. */
  originalDueAt: number | null
  pauses: ClockPause[]
  completedCycles: CompletedCycle[]
  /** Warning thresholds (percent) whose event has been emitted this cycle, ascending. */
  firedWarnings: number[]
  /** The breach event has been emitted this cycle. */
  breachFired: boolean
}

/** What a clock needs from its policy (and the calendar's id) to start. */
export type StartClockParams = Pick<ClockState, 'policyId' | 'policyVersion' | 'kind' | 'metric' | 'goalMs' | 'calendarId'>

/** True while the current cycle has neither stopped nor been cancelled. */
export function isClockOpen (state: ClockState): boolean {
  return state.stoppedAt === null && state.cancelledAt === null
}

/** The open pause of the current cycle, if any; only the last ledger entry can be open. */
export function openPause (state: ClockState): ClockPause | undefined {
  const last = state.pauses[state.pauses.length - 1]
  return last !== undefined && last.to === null ? last : undefined
}

/** Starts the first cycle at `atMs`; the calendar fixes the time zone and the original due instant. */
export function startClock (params: StartClockParams, calendar: CompiledCalendar, atMs: number): ClockState {
  assertInstant(atMs, 'atMs')
  assertGoal(params.goalMs)
  return {
    policyId: params.policyId,
    policyVersion: params.policyVersion,
    kind: params.kind,
    metric: params.metric,
    goalMs: params.goalMs,
    calendarId: params.calendarId,
    timeZone: calendar.timeZone,
    cycle: 1,
    ...freshCycle(calendar, atMs, params.goalMs),
    completedCycles: []
  }
}

/** Opens a pause with `reason` at `atMs`; no-op when the clock is paused, stopped or cancelled. */
export function pauseClock (state: ClockState, atMs: number, reason: string): ClockState {
  if (!isClockOpen(state) || openPause(state) !== undefined) return state
  const at = clampInstant(state, atMs)
  return { ...state, pauses: [...state.pauses, { from: at, to: null, reason }] }
}

/** Ends the open pause at `atMs`; no-op when the clock is not paused. */
export function resumeClock (state: ClockState, atMs: number): ClockState {
  if (!isClockOpen(state) || openPause(state) === undefined) return state
  return { ...state, pauses: endOpenPause(state.pauses, clampInstant(state, atMs)) }
}

/**
 * Stops the cycle at `atMs` (ending an open pause there): met or breached, as the view then says,
 * by the rule in the module comment. No-op when already stopped or cancelled.
 */
export function stopClock (state: ClockState, atMs: number): ClockState {
  if (!isClockOpen(state)) return state
  const at = clampInstant(state, atMs)
  return { ...state, stoppedAt: at, pauses: endOpenPause(state.pauses, at) }
}

/** Cancels the cycle at `atMs`: it neither meets nor breaches. No-op when already stopped or cancelled. */
export function cancelClock (state: ClockState, atMs: number): ClockState {
  if (!isClockOpen(state)) return state
  const at = clampInstant(state, atMs)
  return { ...state, cancelledAt: at, pauses: endOpenPause(state.pauses, at) }
}

/**
 * Reopen (or a policy's reset event): freezes the current cycle into completedCycles (a still open
 * cycle ends at `atMs` as met or breached) and starts the next one at `atMs` with `goalMs` (the
 * goal of the ticket's priority at that instant, whatever the ended cycle ran under), an empty
 * pause ledger and no fired events. Emit the old cycle's due events before calling this.
 */
export function restartClock (state: ClockState, calendar: CompiledCalendar, atMs: number, goalMs: number): ClockState {
  assertGoal(goalMs)
  const at = clampInstant(state, atMs)
  const ended = isClockOpen(state) ? stopClock(state, at) : state
  const figures = measureCycle(ended, calendar, at)
  const completed: CompletedCycle = {
    cycle: ended.cycle,
    startedAt: ended.startedAt,
    stoppedAt: figures.end,
    goalMs: ended.goalMs,
    dueAt: figures.dueAt,
    businessElapsedMs: figures.businessElapsedMs,
    result: ended.cancelledAt !== null ? 'cancelled' : figures.breachedAt !== null ? 'breached' : 'met',
    breachedAt: figures.breachedAt,
    pauses: ended.pauses
  }
  return {
    ...ended,
    cycle: ended.cycle + 1,
    goalMs,
    ...freshCycle(calendar, at, goalMs),
    completedCycles: [...ended.completedCycles, completed]
  }
}

/**
 * A priority change: the same cycle, pauses and business elapsed, a new goal, so the due instant
 * and remaining time move; originalDueAt stays. Events already fired stay fired (a longer goal does
 * not re-arm a warning). No-op on a stopped or cancelled cycle, whose verdict is final.
 */
export function retargetClock (state: ClockState, goalMs: number): ClockState {
  assertGoal(goalMs)
  if (!isClockOpen(state) || state.goalMs === goalMs) return state
  return { ...state, goalMs }
}

function freshCycle (calendar: CompiledCalendar, atMs: number, goalMs: number) {
  return {
    startedAt: atMs,
    stoppedAt: null,
    cancelledAt: null,
    originalDueAt: cycleInstant(calendar, atMs, goalMs, []),
    pauses: [],
    firedWarnings: [],
    breachFired: false
  }
}

/** A copy of the ledger with the open pause ended at `atMs`; a pause that ends where it began is dropped. */
function endOpenPause (pauses: readonly ClockPause[], atMs: number): ClockPause[] {
  const ended: ClockPause[] = []
  for (const pause of pauses) {
    if (pause.to !== null) ended.push(pause)
    else if (atMs > pause.from) ended.push({ ...pause, to: atMs })
  }
  return ended
}

function clampInstant (state: ClockState, atMs: number): number {
  assertInstant(atMs, 'atMs')
  return Math.max(atMs, latestInstant(state))
}
