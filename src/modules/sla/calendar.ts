/**
 * Business calendars as plain data, and a pure validator for them.
 *
 * Semantics, which src/modules/sla/business-time.ts implements:
 * - Working time is the set of instants whose local wall-clock time in `timeZone` falls inside one
 *   of the weekly `workingHours` intervals. An empty `workingHours` list means open around the
 *   clock (holidays still close it).
 * - An interval runs from `from` (inclusive) to `to` (exclusive) on `day`. `to` may be `24:00`.
 *   When `to` is earlier than `from` the interval crosses midnight and ends at `to` on the next day
 *   (`fri 22:00–06:00` covers Friday night and early Saturday). `to` equal to `from` is rejected as
 *   zero-length: a whole day is written `00:00–24:00`.
 * - Overlapping or touching intervals are merged, so listing the same hours twice counts them once.
 * - A holiday removes all working time that falls on its local calendar date, 00:00–24:00 local:
 *   the after-midnight part of an interval that started the evening before is removed too, while
 *   the after-midnight part of an interval that starts on the holiday survives on the next day.
 *   A `recurring` holiday repeats every year on its month and day (a recurring 29 February only
 *   occurs in leap years).
 * - Across DST changes each interval boundary maps to one instant: a wall-clock time that does not
 *   exist (spring forward) maps to the instant the clocks jump over it, and one that exists twice
 *   (fall back) maps to its first occurrence. An interval is then the real elapsed time between
 *   its two boundary instants, so 09:00–17:00 is always 8 h unless a change falls inside it.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'

/** Monday first, the ISO 8601 order; the index is the weekday number business-time uses. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** A weekly working interval in local wall-clock time; see the module comment for midnight and DST rules. */
export interface WorkingInterval {
  day: Weekday
  /** `HH:MM`, 00:00–23:59. */
  from: string
  /** `HH:MM`, 00:00–24:00; not after `from` means the interval ends on the next day. */
  to: string
}

/** A local calendar date on which nothing is worked. */
export interface Holiday {
  /** `YYYY-MM-DD`, a real calendar date. */
  date: string
  name: string
  /** Every year on the same month and day. */
  recurring?: boolean
}

/** A business calendar: an IANA time zone, weekly working hours and holidays. */
export interface CalendarDefinition {
  timeZone: string
  workingHours: WorkingInterval[]
  holidays: Holiday[]
}

/** One problem in a definition, addressed by a JSON Pointer into it (API.md's validation error shape). */
export interface CalendarIssue { path: string, message: string }

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MINUTES_PER_DAY = 24 * 60

/** Minutes after local midnight for `HH:MM`, 1440 for `24:00` when `allowEndOfDay`, otherwise undefined. */
export function parseTimeOfDay (value: unknown, allowEndOfDay: boolean): number | undefined {
  if (typeof value !== 'string') return undefined
  if (allowEndOfDay && value === '24:00') return MINUTES_PER_DAY
  const match = TIME.exec(value)
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined
}

/** `{ year, month (1–12), day }` for a real `YYYY-MM-DD` date, otherwise undefined. */
export function parseDate (value: unknown): { year: number, month: number, day: number } | undefined {
  if (typeof value !== 'string') return undefined
  const match = DATE.exec(value)
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  // Round-tripping through Date.UTC rejects 2025-02-29 and 2025-13-01, which a regex cannot.
  const probe = new Date(Date.UTC(2000, month - 1, day))
  probe.setUTCFullYear(year)
  if (month < 1 || month > 12 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined
  return { year, month, day }
}

/** True when this runtime's Intl knows the IANA zone name. */
export function isKnownTimeZone (timeZone: unknown): timeZone is string {
  // Newer engines also accept offset zones like "+01:00"; they are not IANA names, and accepting
  // them would make the same definition valid on Node 24 but not on Node 20.
  if (typeof timeZone !== 'string' || timeZone === '' || /^[+-]/.test(timeZone)) return false
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/**
 * Lists every problem in a calendar definition (unknown time zone, malformed or zero-length
 * intervals, impossible dates), each with a JSON Pointer such as `/workingHours/2/to`.
 * An empty list means `compileCalendar` accepts the definition.
 */
export function validateCalendar (definition: CalendarDefinition): CalendarIssue[] {
  const issues: CalendarIssue[] = []
  // Definitions arrive as JSON, so the checks do not trust the static type.
  const raw = definition as unknown as Record<string, unknown> | null
  if (typeof raw !== 'object' || raw === null) return [{ path: '', message: 'must be an object' }]
  if (!isKnownTimeZone(raw.timeZone)) {
    issues.push({ path: '/timeZone', message: `unknown IANA time zone ${JSON.stringify(raw.timeZone)}` })
  }
  if (!Array.isArray(raw.workingHours)) {
    issues.push({ path: '/workingHours', message: 'must be an array' })
  } else {
    raw.workingHours.forEach((interval: unknown, i) => checkInterval(interval, `/workingHours/${i}`, issues))
  }
  if (!Array.isArray(raw.holidays)) {
    issues.push({ path: '/holidays', message: 'must be an array' })
  } else {
    raw.holidays.forEach((holiday: unknown, i) => checkHoliday(holiday, `/holidays/${i}`, issues))
  }
  return issues
}

function checkInterval (value: unknown, path: string, issues: CalendarIssue[]): void {
  if (typeof value !== 'object' || value === null) {
    issues.push({ path, message: 'must be an object with day, from and to' })
    return
  }
  const { day, from, to } = value as Record<string, unknown>
  if (!WEEKDAYS.includes(day as Weekday)) {
    issues.push({ path: `${path}/day`, message: `must be one of ${WEEKDAYS.join(', ')}` })
  }
  const start = parseTimeOfDay(from, false)
  const end = parseTimeOfDay(to, true)
  if (start === undefined) issues.push({ path: `${path}/from`, message: 'must be a time HH:MM between 00:00 and 23:59' })
  if (end === undefined) issues.push({ path: `${path}/to`, message: 'must be a time HH:MM between 00:00 and 24:00' })
  if (start !== undefined && end !== undefined && end === start) {
    issues.push({ path, message: 'is zero-length: from and to are the same time of day (write a whole day as 00:00–24:00)' })
  }
}

function checkHoliday (value: unknown, path: string, issues: CalendarIssue[]): void {
  if (typeof value !== 'object' || value === null) {
    issues.push({ path, message: 'must be an object with date and name' })
    return
  }
  const { date, name, recurring } = value as Record<string, unknown>
  if (parseDate(date) === undefined) issues.push({ path: `${path}/date`, message: 'must be a real calendar date YYYY-MM-DD' })
  if (typeof name !== 'string' || name.trim() === '') issues.push({ path: `${path}/name`, message: 'must be a non-empty string' })
  if (recurring !== undefined && typeof recurring !== 'boolean') issues.push({ path: `${path}/recurring`, message: 'must be a boolean' })
}
