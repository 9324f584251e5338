/**
 * The clock as API.md ("Service levels") shows it, exact at `nowMs`: instants as ISO-8601 UTC
 * strings, durations as integer ms. The row id is the caller's to add.
 */
import { businessMsBetween } from './business-time.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ClockPause, ClockState, CompletedCycle, CycleResult } from './clock.js'
import { assertInstant, latestInstant, measureCycle, percentageOf } from './clock-math.js'
import type { Metric, PolicyKind } from './policy.js'
import { isoString } from '../../shared/iso-time.js'

export type ClockViewState = 'running' | 'paused' | CycleResult

export interface PauseView {
  from: string
  to: string | null
  reason: string
}

export interface CompletedCycleView {
  cycle: number
  startedAt: string
  stoppedAt: string
  goalMs: number
  dueAt: string | null
  businessElapsedMs: number
  result: CycleResult
  breachedAt: string | null
  pauses: PauseView[]
}

export interface ClockView {
  policyId: string
  policyVersion: number
  kind: PolicyKind
  metric: Metric
  goalMs: number
  /** A running or paused clock past its due instant reads `breached`; `paused` still tells whether it counts. */
  state: ClockViewState
  startedAt: string
  /** While paused: the due instant if the pause ended now, so it moves later as the pause goes on. */
  dueAt: string | null
  originalDueAt: string | null
  /** When the cycle stopped or was cancelled. */
  stoppedAt: string | null
  breachedAt: string | null
  businessElapsedMs: number
  /** goalMs − businessElapsedMs: negative after a breach (0 on the non-working stretch right after it). */
  businessRemainingMs: number
  actualElapsedMs: number
  percentage: number
  paused: boolean
  pauseReason: string | null
  withinCalendarHours: boolean
  pauses: PauseView[]
  completedCycles: CompletedCycleView[]
  calendarId: string | null
  timeZone: string
}

/**
 * The parts of a clock's view that do not depend on the instant it is read at or on its
 * calendar: computed once per stored state and reused by every read of it (see ./clock-reads.ts).
 */
export interface ViewBasis {
  startedAt: string
  originalDueAt: string | null
  stoppedAt: string | null
  pauses: PauseView[]
  completedCycles: CompletedCycleView[]
  /** The open pause's reason while the cycle is open and paused, else null. */
  pauseReason: string | null
  latest: number
}

export function viewBasis (state: ClockState): ViewBasis {
  const open = state.stoppedAt === null && state.cancelledAt === null
  return {
    startedAt: isoString(state.startedAt),
    originalDueAt: isoOrNull(state.originalDueAt),
    stoppedAt: isoOrNull(state.stoppedAt ?? state.cancelledAt),
    pauses: state.pauses.map(pauseView),
    completedCycles: state.completedCycles.map(cycleView),
    pauseReason: open ? state.pauses.find(p => p.to === null)?.reason ?? null : null,
    latest: latestInstant(state)
  }
}

/**
 * The clock at `nowMs` under `calendar` (the clock's own calendar, compiled). `nowMs` earlier than
 * the clock's latest recorded instant is read as that instant, as the transitions do. dueAt is null
 * only when the calendar has no working time for years ahead. `basis` is viewBasis(state), when
 * the caller keeps it.
 */
export function viewClock (state: ClockState, calendar: CompiledCalendar, nowMs: number, basis: ViewBasis = viewBasis(state)): ClockView {
  assertInstant(nowMs, 'nowMs')
  const now = Math.max(nowMs, basis.latest)
  const figures = measureCycle(state, calendar, now)
  const paused = basis.pauseReason !== null
  let status: ClockViewState
  if (state.cancelledAt !== null) status = 'cancelled'
  else if (figures.breachedAt !== null) status = 'breached'
  else if (state.stoppedAt !== null) status = 'met'
  else status = paused ? 'paused' : 'running'
  return {
    policyId: state.policyId,
    policyVersion: state.policyVersion,
    kind: state.kind,
    metric: state.metric,
    goalMs: state.goalMs,
    state: status,
    startedAt: basis.startedAt,
    dueAt: isoOrNull(figures.dueAt),
    originalDueAt: basis.originalDueAt,
    stoppedAt: basis.stoppedAt,
    breachedAt: isoOrNull(figures.breachedAt),
    businessElapsedMs: figures.businessElapsedMs,
    businessRemainingMs: state.goalMs - figures.businessElapsedMs,
    actualElapsedMs: figures.end - state.startedAt,
    percentage: percentageOf(figures.businessElapsedMs, state.goalMs, figures.dueAt !== null && figures.dueAt <= figures.end),
    paused,
    pauseReason: basis.pauseReason,
    withinCalendarHours: businessMsBetween(calendar, now, now + 1) === 1,
    pauses: basis.pauses,
    completedCycles: basis.completedCycles,
    calendarId: state.calendarId,
    timeZone: state.timeZone
  }
}

function cycleView (cycle: CompletedCycle): CompletedCycleView {
  return {
    cycle: cycle.cycle,
    startedAt: isoString(cycle.startedAt),
    stoppedAt: isoString(cycle.stoppedAt),
    goalMs: cycle.goalMs,
    dueAt: isoOrNull(cycle.dueAt),
    businessElapsedMs: cycle.businessElapsedMs,
    result: cycle.result,
    breachedAt: isoOrNull(cycle.breachedAt),
    pauses: cycle.pauses.map(pauseView)
  }
}

const pauseView = (pause: ClockPause): PauseView => ({ from: isoString(pause.from), to: isoOrNull(pause.to), reason: pause.reason })
const isoOrNull = (ms: number | null): string | null => ms === null ? null : isoString(ms)
