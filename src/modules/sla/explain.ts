import type { CompiledCalendar } from './compiled-calendar.js'
import { normalizePauses, type PauseSpan } from './pauses.js'
import { MS_PER_DAY } from './time-zone.js'

/**
 * Why a span was or was not counted. Calendar reasons win over pauses: a pause over a weekend
 * shows as `outside_calendar`, so the `pause` spans add up to exactly the business time the
 * pauses withheld (what a pause moves the due instant by).
 */
export type SpanReason = 'working' | 'outside_calendar' | 'holiday' | 'pause'

/** A contiguous span [from, to) in epoch ms; only `working` spans are counted. */
export interface ExplainedSpan {
  from: number
  to: number
  counted: boolean
  reason: SpanReason
}

/**
 * Splits [aMs, bMs) into ordered, contiguous spans that cover it exactly, each with the reason it
 * was or was not counted; neighbours never share a reason. A holiday is reported for its whole
 * local date. The `working` spans sum to businessMsBetween(calendar, aMs, bMs, pauses).
 * Empty when bMs <= aMs.
 */
export function explainSpans (calendar: CompiledCalendar, aMs: number, bMs: number, pauses?: readonly PauseSpan[]): ExplainedSpan[] {
  if (!Number.isFinite(aMs) || !Number.isFinite(bMs)) throw new RangeError(`aMs and bMs must be finite epoch-ms numbers, got ${aMs} and ${bMs}`)
  if (bMs <= aMs) return []
  const writer = new SpanWriter(aMs, bMs, normalizePauses(pauses))
  for (let dayNumber = Math.floor(aMs / MS_PER_DAY) - 1; writer.cursor < bMs; dayNumber++) {
    const day = calendar.day(dayNumber)
    if (day.end <= writer.cursor) continue
    if (day.isHoliday) {
      writer.emit(day.end, 'holiday')
      continue
    }
    for (let i = 0; i < day.spans.length; i += 2) {
      writer.emit(day.spans[i]!, 'outside_calendar')
      writer.emitWorking(day.spans[i + 1]!)
    }
    writer.emit(day.end, 'outside_calendar')
  }
  return writer.spans
}

/** Appends spans from a moving cursor to the end of the explained range. */
class SpanWriter {
  readonly spans: ExplainedSpan[] = []
  cursor: number
  /** Index into the flat pause list of the first pause that ends after the cursor. */
  private pause = 0

  constructor (from: number, private readonly end: number, private readonly pauses: readonly number[]) {
    this.cursor = from
  }

  /** Covers [cursor, to) within the range with `reason`, extending the previous span when it matches. */
  emit (to: number, reason: SpanReason): void {
    const end = to < this.end ? to : this.end
    if (end <= this.cursor) return
    const last = this.spans[this.spans.length - 1]
    if (last !== undefined && last.reason === reason) last.to = end
    else this.spans.push({ from: this.cursor, to: end, counted: reason === 'working', reason })
    this.cursor = end
  }

  /** Covers [cursor, to) of working time, cut into `working` and `pause` spans. */
  emitWorking (to: number): void {
    const end = to < this.end ? to : this.end
    const pauses = this.pauses
    while (this.cursor < end) {
      while (this.pause < pauses.length && pauses[this.pause + 1]! <= this.cursor) this.pause += 2
      const pauseFrom = this.pause < pauses.length ? pauses[this.pause]! : Infinity
      if (pauseFrom <= this.cursor) this.emit(Math.min(pauses[this.pause + 1]!, end), 'pause')
      else this.emit(Math.min(pauseFrom, end), 'working')
    }
  }
}
