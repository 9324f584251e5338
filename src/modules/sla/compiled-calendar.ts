import { ValidationError } from '../../shared/errors.js'
import { parseDate, parseTimeOfDay, validateCalendar, WEEKDAYS, type CalendarDefinition } from './calendar.js'
import { localToInstant, MS_PER_DAY } from './time-zone.js'

/**
 * One local calendar day of a compiled calendar, in UTC epoch ms. Days tile the timeline:
 * `end` of day n is `start` of day n + 1 (both are the instant of the same local midnight).
 */
export interface CalendarDay {
  readonly start: number
  readonly end: number
  readonly isHoliday: boolean
  /** Working spans as flat [from0, to0, from1, to1, …], ordered, disjoint, non-empty, within [start, end]. */
  readonly spans: readonly number[]
}

const MINUTE = 60_000
const MINUTES_PER_DAY = 1440

/**
 * A calendar prepared for business-time math. Days are numbered like the Unix epoch day of their
 * local date (day 0 is 1970-01-01 local) and compiled on first use, then kept, so repeated
 * computations are Map lookups and arithmetic. Create with compileCalendar; treat as opaque.
 */
export class CompiledCalendar {
  readonly timeZone: string
  /** Merged local-minute intervals [from, to) per weekday, Monday first. */
  private readonly weekly: ReadonlyArray<ReadonlyArray<readonly [number, number]>>
  private readonly holidayDays: ReadonlySet<number>
  /** month * 100 + day of the recurring holidays. */
  private readonly recurringHolidays: ReadonlySet<number>
  private readonly days = new Map<number, CalendarDay>()

  constructor (definition: CalendarDefinition) {
    this.timeZone = definition.timeZone
    this.weekly = weeklyIntervals(definition)
    const holidayDays = new Set<number>()
    const recurring = new Set<number>()
    for (const holiday of definition.holidays) {
      const date = parseDate(holiday.date)!
      if (holiday.recurring === true) recurring.add(date.month * 100 + date.day)
      else holidayDays.add(dayNumberOf(date.year, date.month, date.day))
    }
    this.holidayDays = holidayDays
    this.recurringHolidays = recurring
  }

  /** The compiled local day `dayNumber`, computed on first request. */
  day (dayNumber: number): CalendarDay {
    const cached = this.days.get(dayNumber)
    return cached !== undefined ? cached : this.compileDay(dayNumber)
  }

  /** True when the local date of `dayNumber` is a holiday. */
  isHoliday (dayNumber: number): boolean {
    if (this.holidayDays.has(dayNumber)) return true
    if (this.recurringHolidays.size === 0) return false
    const date = new Date(dayNumber * MS_PER_DAY)
    return this.recurringHolidays.has((date.getUTCMonth() + 1) * 100 + date.getUTCDate())
  }

  private compileDay (dayNumber: number): CalendarDay {
    const local = dayNumber * MS_PER_DAY
    // Neighbouring days share a midnight; reuse it, as days are mostly compiled in sequence.
    const start = this.days.get(dayNumber - 1)?.end ?? localToInstant(this.timeZone, local)
    const end = this.days.get(dayNumber + 1)?.start ?? localToInstant(this.timeZone, local + MS_PER_DAY)
    const isHoliday = this.isHoliday(dayNumber)
    const spans: number[] = []
    if (!isHoliday) {
      // Without a transition inside the day, one offset converts every boundary; on the few
      // DST days each boundary is resolved on its own (gaps skipped forward, repeats once).
      const isPlainDay = local - start === local + MS_PER_DAY - end
      const toInstant = (minutes: number): number => {
        if (minutes === 0) return start
        if (minutes === MINUTES_PER_DAY) return end
        return isPlainDay ? start + minutes * MINUTE : localToInstant(this.timeZone, local + minutes * MINUTE)
      }
      for (const [from, to] of this.weekly[weekdayOf(dayNumber)]!) {
        const spanFrom = toInstant(from)
        const spanTo = toInstant(to)
        // Both ends inside one DST gap leave nothing to work.
        if (spanTo <= spanFrom) continue
        const last = spans.length - 1
        if (last > 0 && spans[last] === spanFrom) spans[last] = spanTo
        else spans.push(spanFrom, spanTo)
      }
    }
    const day: CalendarDay = { start, end, isHoliday, spans }
    this.days.set(dayNumber, day)
    return day
  }
}

/** Epoch day number of a proleptic Gregorian date. */
export function dayNumberOf (year: number, month: number, day: number): number {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return Math.floor(date.getTime() / MS_PER_DAY)
}

/** 0 = Monday … 6 = Sunday; epoch day 0 (1970-01-01) was a Thursday. */
export function weekdayOf (dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7
}

/** Splits midnight-crossing intervals into their two local days, then merges per weekday. */
function weeklyIntervals (definition: CalendarDefinition): Array<Array<[number, number]>> {
  if (definition.workingHours.length === 0) return WEEKDAYS.map(() => [[0, MINUTES_PER_DAY]])
  const perDay: Array<Array<[number, number]>> = WEEKDAYS.map(() => [])
  for (const interval of definition.workingHours) {
    const weekday = WEEKDAYS.indexOf(interval.day)
    const from = parseTimeOfDay(interval.from, false)!
    const to = parseTimeOfDay(interval.to, true)!
    if (to > from) {
      perDay[weekday]!.push([from, to])
    } else {
      perDay[weekday]!.push([from, MINUTES_PER_DAY])
      if (to > 0) perDay[(weekday + 1) % 7]!.push([0, to])
    }
  }
  return perDay.map((intervals) => {
    intervals.sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const [from, to] of intervals) {
      const last = merged[merged.length - 1]
      if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to)
      else merged.push([from, to])
    }
    return merged
  })
}

/**
 * Validates a definition and prepares it for addBusinessMs / businessMsBetween / explainSpans.
 * Throws ValidationError (VALIDATION_FAILED, with JSON Pointer paths) for an invalid definition.
 * Keep and reuse the result: it memoises every local day it has converted.
 */
export function compileCalendar (definition: CalendarDefinition): CompiledCalendar {
  const issues = validateCalendar(definition)
  if (issues.length > 0) throw new ValidationError(issues)
  return new CompiledCalendar(definition)
}
