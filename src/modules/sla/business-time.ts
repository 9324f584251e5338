/**
 * Business-time math over compiled calendars: pure, no I/O, no clock reads; instants and
 * durations are epoch milliseconds. The calendar semantics (midnight-crossing intervals,
 * holidays by local date, DST) are documented in ./calendar.ts.
 *
 * Every walk jumps from working span to working span and from local day to local day, so the
 * cost grows with the number of days covered, never with the minutes in a goal. Days come from
 * the compiled calendar's memo; once warm, the walk is Map lookups and arithmetic.
 */
import { ValidationError } from '../../shared/errors.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import { normalizePauses, type PauseSpan } from './pauses.js'
import { MS_PER_DAY } from './time-zone.js'

export { compileCalendar, type CompiledCalendar } from './compiled-calendar.js'
export { explainSpans, type ExplainedSpan, type SpanReason } from './explain.js'
export type { PauseSpan } from './pauses.js'

/** How many consecutive local days without working time a walk crosses before it gives up (~10 years). */
export const MAX_IDLE_DAYS = 3660

/** The calendar has no working time for MAX_IDLE_DAYS days (say, every date a recurring holiday). */
export class NoWorkingTimeError extends ValidationError {
  constructor (timeZone: string, fromMs: number) {
    super([{
      path: '/holidays',
      message: `the calendar (${timeZone}) has no working time in the ${MAX_IDLE_DAYS} days after ${new Date(fromMs).toISOString()}`
    }])
  }
}

/**
 * The instant at which `durationMs` of business time has elapsed from `startMs`: the earliest
 * instant T with businessMsBetween(start, T, pauses) === durationMs. It lies inside working time
 * or is the end of a working span (an 8-hour goal started at 09:00 is due at 17:00 the same day,
 * not 09:00 the next). A duration of 0 gives the first working, unpaused instant at or after
 * `startMs`, so a clock started at night is due when work starts.
 *
 * With pauses, returns null when the goal would only be reached after an open pause (`to: null`):
 * a paused clock has no due instant until it resumes. Without pauses the result is always a number.
 * Throws NoWorkingTimeError when the calendar has no working time for MAX_IDLE_DAYS days.
 */
export function addBusinessMs (calendar: CompiledCalendar, startMs: number, durationMs: number): number
export function addBusinessMs (calendar: CompiledCalendar, startMs: number, durationMs: number, pauses: readonly PauseSpan[] | undefined): number | null
export function addBusinessMs (calendar: CompiledCalendar, startMs: number, durationMs: number, pauses?: readonly PauseSpan[]): number | null {
  assertInstant(startMs, 'startMs')
  if (!(durationMs >= 0 && durationMs < Infinity)) throw new RangeError(`durationMs must be a finite number >= 0, got ${durationMs}`)
  if (pauses === undefined || pauses.length === 0) return addUnpaused(calendar, startMs, durationMs)
  return addPaused(calendar, startMs, durationMs, normalizePauses(pauses))
}

/** The hot path: no pauses, so each span is taken whole once the walk has passed the start. */
function addUnpaused (calendar: CompiledCalendar, startMs: number, durationMs: number): number {
  let remaining = durationMs
  let idleDays = 0
  // Local day (n - 1) always begins at or before any instant of UTC day n, whatever the offset.
  for (let dayNumber = Math.floor(startMs / MS_PER_DAY) - 1; ; dayNumber++) {
    const spans = calendar.day(dayNumber).spans
    if (spans.length === 0) {
      if (++idleDays > MAX_IDLE_DAYS) throw new NoWorkingTimeError(calendar.timeZone, startMs)
      continue
    }
    idleDays = 0
    for (let i = 0; i < spans.length; i += 2) {
      const to = spans[i + 1]!
      if (to <= startMs) continue
      const from = spans[i]! > startMs ? spans[i]! : startMs
      const available = to - from
      if (remaining <= available) return from + remaining
      remaining -= available
    }
  }
}

function addPaused (calendar: CompiledCalendar, startMs: number, durationMs: number, pauses: readonly number[]): number | null {
  let remaining = durationMs
  let cursor = startMs
  let p = 0
  let idleDays = 0
  for (let dayNumber = Math.floor(startMs / MS_PER_DAY) - 1; ; dayNumber++) {
    // A long pause can carry the cursor far ahead: resume the walk there, not day by day.
    const cursorDay = Math.floor(cursor / MS_PER_DAY) - 1
    if (cursorDay > dayNumber) dayNumber = cursorDay
    const spans = calendar.day(dayNumber).spans
    if (spans.length === 0) {
      if (++idleDays > MAX_IDLE_DAYS) throw new NoWorkingTimeError(calendar.timeZone, startMs)
      continue
    }
    idleDays = 0
    for (let i = 0; i < spans.length; i += 2) {
      const to = spans[i + 1]!
      let from = spans[i]! > cursor ? spans[i]! : cursor
      while (from < to) {
        while (p < pauses.length && pauses[p + 1]! <= from) p += 2
        if (p < pauses.length && pauses[p]! <= from) {
          if (pauses[p + 1] === Infinity) return null
          from = pauses[p + 1]!
          continue
        }
        const segmentEnd = p < pauses.length && pauses[p]! < to ? pauses[p]! : to
        const available = segmentEnd - from
        if (remaining <= available) return from + remaining
        remaining -= available
        from = segmentEnd
      }
      cursor = from
    }
  }
}

/**
 * Business ms counted in [aMs, bMs): working time of the calendar minus the pauses
 * (an open pause runs to bMs). 0 when bMs <= aMs.
 */
export function businessMsBetween (calendar: CompiledCalendar, aMs: number, bMs: number, pauses?: readonly PauseSpan[]): number {
  assertInstant(aMs, 'aMs')
  assertInstant(bMs, 'bMs')
  if (bMs <= aMs) return 0
  const flat = normalizePauses(pauses)
  let total = 0
  let p = 0
  for (let dayNumber = Math.floor(aMs / MS_PER_DAY) - 1; ; dayNumber++) {
    const day = calendar.day(dayNumber)
    if (day.start >= bMs) return total
    const spans = day.spans
    for (let i = 0; i < spans.length; i += 2) {
      const from = spans[i]! > aMs ? spans[i]! : aMs
      const to = spans[i + 1]! < bMs ? spans[i + 1]! : bMs
      if (to <= from) continue
      total += to - from
      // Pauses are disjoint with increasing ends: skip those already behind, subtract overlaps.
      while (p < flat.length && flat[p + 1]! <= from) p += 2
      for (let q = p; q < flat.length && flat[q]! < to; q += 2) {
        total -= Math.min(to, flat[q + 1]!) - Math.max(from, flat[q]!)
      }
    }
  }
}

/** A stretch of time over which a calendar's working state does not change. */
export interface CalendarStretch {
  from: number
  to: number
  working: boolean
}

/**
 * The stretch holding `atMs` (from <= atMs < to): one working span, or the non-working time
 * between two, cut at local midnights. Every instant u in it has
 * businessMsBetween(calendar, u, u + 1) === (working ? 1 : 0).
 */
export function stretchAt (calendar: CompiledCalendar, atMs: number): CalendarStretch {
  assertInstant(atMs, 'atMs')
  for (let dayNumber = Math.floor(atMs / MS_PER_DAY) - 1; ; dayNumber++) {
    const day = calendar.day(dayNumber)
    // Days tile the timeline, so the first one ending after atMs begins at or before it.
    if (day.end <= atMs) continue
    const spans = day.spans
    let from = day.start
    for (let i = 0; i < spans.length; i += 2) {
      if (atMs < spans[i]!) return { from, to: spans[i]!, working: false }
      if (atMs < spans[i + 1]!) return { from: spans[i]!, to: spans[i + 1]!, working: true }
      from = spans[i + 1]!
    }
    return { from, to: day.end, working: false }
  }
}

function assertInstant (value: number, name: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch-ms number, got ${value}`)
}
