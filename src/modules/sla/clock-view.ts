/**
 * The clock as API.md ("Service levels") shows it, exact at `nowMs`: instants as ISO-8601 UTC
 * strings, durations as integer ms. The row id is the caller's to add.
 */
import { businessMsBetween } from './business-time.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ClockPause, ClockState, CompletedCycle, CycleResult } from './clock.js'
import { assertInstant, latestInstant, measureCycle, percentageOf } from './clock-math.js'
import type { Metric, PolicyKind } from './policy.js'

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
 * The clock at `nowMs` under `calendar` (the clock's own calendar, compiled). `nowMs` earlier than
 * the clock's latest recorded instant is read as that instant, as the transitions do. dueAt is null
 * only when the calendar has no working time for years ahead.
 */
export function viewClock (state: ClockState, calendar: CompiledCalendar, nowMs: number): ClockView {
  assertInstant(nowMs, 'nowMs')
  const now = Math.max(nowMs, latestInstant(state))
  const figures = measureCycle(state, calendar, now)
  const open = state.stoppedAt === null && state.cancelledAt === null
  const pause = open ? state.pauses.find(p => p.to === null) : undefined
  const isBreached = figures.breachedAt !== null
  let status: ClockViewState
  if (state.cancelledAt !== null) status = 'cancelled'
  else if (isBreached) status = 'breached'
  else if (!open) status = 'met'
  else status = pause !== undefined ? 'paused' : 'running'
  return {
    policyId: state.policyId,
    policyVersion: state.policyVersion,
    kind: state.kind,
    metric: state.metric,
    goalMs: state.goalMs,
    state: status,
    startedAt: iso(state.startedAt),
    dueAt: isoOrNull(figures.dueAt),
    originalDueAt: isoOrNull(state.originalDueAt),
    stoppedAt: isoOrNull(state.stoppedAt ?? state.cancelledAt),
    breachedAt: isoOrNull(figures.breachedAt),
    businessElapsedMs: figures.businessElapsedMs,
    businessRemainingMs: state.goalMs - figures.businessElapsedMs,
    actualElapsedMs: figures.end - state.startedAt,
    percentage: percentageOf(figures.businessElapsedMs, state.goalMs, figures.dueAt !== null && figures.dueAt <= figures.end),
    paused: pause !== undefined,
    pauseReason: pause?.reason ?? null,
    withinCalendarHours: businessMsBetween(calendar, now, now + 1) === 1,
    pauses: state.pauses.map(pauseView),
    completedCycles: state.completedCycles.map(cycleView),
    calendarId: state.calendarId,
    timeZone: state.timeZone
  }
}

function cycleView (cycle: CompletedCycle): CompletedCycleView {
  return {
    cycle: cycle.cycle,
    startedAt: iso(cycle.startedAt),
    stoppedAt: iso(cycle.stoppedAt),
    goalMs: cycle.goalMs,
    dueAt: isoOrNull(cycle.dueAt),
    businessElapsedMs: cycle.businessElapsedMs,
    result: cycle.result,
    breachedAt: isoOrNull(cycle.breachedAt),
    pauses: cycle.pauses.map(pauseView)
  }
}

const pauseView = (pause: ClockPause): PauseView => ({ from: iso(pause.from), to: isoOrNull(pause.to), reason: pause.reason })
const iso = (ms: number): string => new Date(ms).toISOString()
const isoOrNull = (ms: number | null): string | null => ms === null ? null : iso(ms)
