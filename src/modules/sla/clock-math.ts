/**
 * Arithmetic over one clock cycle, shared by the transitions, the view and the event finder.
 * Pure: epoch-ms instants in, the compiled calendar as data. The breach rule is in ./clock.ts.
 */
import { addBusinessMs, businessMsBetween, NoWorkingTimeError } from './business-time.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ClockPause, ClockState } from './clock.js'

/** Throws RangeError unless `value` is a finite epoch-ms instant. */
export function assertInstant (value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch-ms number, got ${value}`)
}

/** Throws RangeError unless the goal is a whole, non-negative number of ms. */
export function assertGoal (goalMs: number): void {
  if (!Number.isSafeInteger(goalMs) || goalMs < 0) throw new RangeError(`goalMs must be an integer >= 0, got ${goalMs}`)
}

/** The latest instant the clock has recorded; transitions and views never look earlier. */
export function latestInstant (state: ClockState): number {
  let latest = Math.max(state.startedAt, state.stoppedAt ?? -Infinity, state.cancelledAt ?? -Infinity)
  const last = state.pauses[state.pauses.length - 1]
  if (last !== undefined) latest = Math.max(latest, last.to ?? last.from)
  return latest
}

/**
 * The instant at which `businessMs` of the cycle has been counted, or null when that cannot be
 * known: the goal lies beyond an open pause, or the calendar has no working time for years
 * (a view should still answer rather than fail on such a calendar).
 */
export function cycleInstant (calendar: CompiledCalendar, startedAt: number, businessMs: number, pauses: readonly ClockPause[]): number | null {
  try {
    return addBusinessMs(calendar, startedAt, businessMs, pauses)
  } catch (err) {
    if (err instanceof NoWorkingTimeError) return null
    throw err
  }
}

/** The ledger as it would read if the open pause ended at `atMs` (never before it began). */
export function pausesEndedAt (pauses: readonly ClockPause[], atMs: number): ClockPause[] {
  return pauses.map(p => p.to === null ? { ...p, to: Math.max(p.from, atMs) } : p)
}

/**
 * The instant after which the cycle is breached: its due instant, or, when a pause begins exactly
 * there, the end of that pause (null while it is open). Only pauses that begin at the due instant
 * can matter: addBusinessMs never returns an instant strictly inside a pause.
 */
export function breachInstant (dueAt: number | null, pauses: readonly ClockPause[]): number | null {
  if (dueAt === null) return null
  let at = dueAt
  for (const pause of [...pauses].sort((a, b) => a.from - b.from)) {
    if (pause.from > at || (pause.to !== null && pause.to <= at)) continue
    if (pause.to === null) return null
    at = pause.to
  }
  return at
}

/** Business ms of the goal that `threshold` percent stands for, rounded up so a warning is never early. */
export function thresholdMs (goalMs: number, threshold: number): number {
  return Math.ceil(goalMs * threshold / 100)
}

/** Percent of the goal used, floored to 2 decimals so 99.999 % never reads 100 before the due instant. */
export function percentageOf (businessElapsedMs: number, goalMs: number, isDue: boolean): number {
  // A zero goal has no fraction to show: it is used up from its due instant on.
  if (goalMs === 0) return isDue ? 100 : 0
  return Math.floor(businessElapsedMs * 10_000 / goalMs) / 100
}

/** The figures of the current cycle measured at `atMs`, or at its end once stopped or cancelled. */
export interface CycleFigures {
  /** stoppedAt ?? cancelledAt ?? atMs. */
  end: number
  /** The due instant, with an open pause treated as ending at `end`. */
  dueAt: number | null
  /** The breach instant when the cycle is breached by `end`, else null. */
  breachedAt: number | null
  businessElapsedMs: number
  pauses: ClockPause[]
}

/** Measures the current cycle as the view and restartClock report it. */
export function measureCycle (state: ClockState, calendar: CompiledCalendar, atMs: number): CycleFigures {
  const end = state.stoppedAt ?? state.cancelledAt ?? atMs
  const pauses = pausesEndedAt(state.pauses, end)
  const dueAt = cycleInstant(calendar, state.startedAt, state.goalMs, pauses)
  const breach = breachInstant(dueAt, pauses)
  return {
    end,
    dueAt,
    breachedAt: breach !== null && breach < end ? breach : null,
    businessElapsedMs: businessMsBetween(calendar, state.startedAt, end, pauses),
    pauses
  }
}
