import type { Db } from '../../db/client.js'
import { findCalendar } from '../calendars/repository.js'
import { compileCalendar, type CompiledCalendar } from './business-time.js'
import type { CalendarDefinition } from './calendar.js'

export interface ResolvedCalendar { calendar: CompiledCalendar, calendarId: string | null, timeZone: string }

const AROUND_THE_CLOCK: CalendarDefinition = { timeZone: 'UTC', workingHours: [], holidays: [] }

/**
 * Compiled calendars keyed by id and version, so their day caches stay warm across requests; a
 * changed calendar has a new version and compiles afresh. No calendar (or a missing one) means
 * open around the clock in UTC.
 */
export function createCalendarCache () {
  const compiled = new Map<string, ResolvedCalendar>()
  const aroundTheClock: ResolvedCalendar = { calendar: compileCalendar(AROUND_THE_CLOCK), calendarId: null, timeZone: 'UTC' }
  async function resolve (db: Db, calendarId: string | null): Promise<ResolvedCalendar> {
    if (calendarId === null) return aroundTheClock
    const row = await findCalendar(db, calendarId)
    if (row === undefined) return aroundTheClock
    const key = `${row.id}:${row.version}`
    let entry = compiled.get(key)
    if (entry === undefined) {
      const calendar = compileCalendar({ timeZone: row.timeZone, workingHours: row.workingHours as CalendarDefinition['workingHours'], holidays: row.holidays as CalendarDefinition['holidays'] })
      entry = { calendar, calendarId: row.id, timeZone: row.timeZone }
      if (compiled.size > 1000) compiled.clear()
      compiled.set(key, entry)
    }
    return entry
  }
  /**
   * The same when the caller already read the calendar's current version (joined to the clocks
   * it reads): a compiled calendar of that version answers without a query.
   */
  resolve.atVersion = async (db: Db, calendarId: string | null, version: number | null): Promise<ResolvedCalendar> => {
    return resolve.cachedAt(calendarId, version) ?? await resolve(db, calendarId)
  }
  /** The compiled calendar of that id and version when it is warm (no calendar: around the clock), else undefined. */
  resolve.cachedAt = (calendarId: string | null, version: number | null): ResolvedCalendar | undefined => {
    if (calendarId === null) return aroundTheClock
    return version === null ? undefined : compiled.get(`${calendarId}:${version}`)
  }
  return resolve
}
export type CalendarCache = ReturnType<typeof createCalendarCache>
