/**
 * The instants a clock is stored under so ticket lists can filter and sort by service level in
 * SQL, exact at any request instant, without reading clock states in Node. Pure: epoch ms in.
 *
 * - `dueAt`: the due instant of a running (open, not paused) clock; null otherwise. A paused
 *   clock's due instant moves with every ms of the pause, so it is not a fixed instant to sort by.
 * - `breachAt`: the clock reads `breached` at request instant `now` exactly when
 *   `breachAt < now`. For a running clock it is the breach instant ahead or behind; for a paused
 *   one it is set only if the breach came before the pause (a pause freezes the count); for a
 *   stopped one it is the breach the cycle ended with; null for cancelled and met cycles.
 * - `atRiskAt`: the instant the open cycle counts its policy's first (lowest) warning threshold;
 *   a clock is at risk at `now` when `atRiskAt <= now` and it is not breached. Null when the
 *   policy has no thresholds, the cycle has ended, or a pause came before the threshold.
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import { isClockOpen, nextDueInstant, openPause, type ClockState } from './clock.js'
import { breachInstant, cycleInstant, latestInstant, measureCycle, thresholdMs } from './clock-math.js'

export interface ClockIndex {
  dueAt: number | null
  breachAt: number | null
  atRiskAt: number | null
}

/** The filter and sort instants of a clock (see the module comment). */
export function clockIndex (state: ClockState, calendar: CompiledCalendar, warnAt: readonly number[]): ClockIndex {
  if (state.cancelledAt !== null) return { dueAt: null, breachAt: null, atRiskAt: null }
  // Measured at the latest recorded instant: for a paused clock that is where the pause began.
  const figures = measureCycle(state, calendar, latestInstant(state))
  if (!isClockOpen(state)) return { dueAt: null, breachAt: figures.breachedAt, atRiskAt: null }
  const first = warnAt.length === 0 ? undefined : Math.min(...warnAt)
  const warnMs = first === undefined ? undefined : thresholdMs(state.goalMs, first)
  if (openPause(state) !== undefined) {
    const atRisk = warnMs !== undefined && figures.businessElapsedMs >= warnMs
    return {
      dueAt: null,
      breachAt: figures.breachedAt,
      atRiskAt: atRisk ? cycleInstant(calendar, state.startedAt, warnMs, figures.pauses) : null
    }
  }
  return {
    dueAt: figures.dueAt,
    breachAt: breachInstant(figures.dueAt, figures.pauses),
    atRiskAt: warnMs === undefined ? null : cycleInstant(calendar, state.startedAt, warnMs, figures.pauses)
  }
}

/** The indexed columns stored beside a clock's state. */
export interface ClockIndexColumns { nextDueAt: Date | null, dueAt: Date | null, breachAt: Date | null, atRiskAt: Date | null }

const dateOrNull = (ms: number | null) => ms === null ? null : new Date(ms)

/**
 * Every indexed column of a clock: when the sweep must look at it next (its next warning or
 * breach, see ./clock-events.ts), and the instants ticket lists filter and sort by.
 */
export function indexColumns (state: ClockState, calendar: CompiledCalendar, warnAt: readonly number[]): ClockIndexColumns {
  const entry = clockIndex(state, calendar, warnAt)
  return {
    nextDueAt: dateOrNull(nextDueInstant(state, calendar, warnAt)),
    dueAt: dateOrNull(entry.dueAt),
    breachAt: dateOrNull(entry.breachAt),
    atRiskAt: dateOrNull(entry.atRiskAt)
  }
}
