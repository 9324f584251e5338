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
   * Which compiled calendar each id resolved to, and the calendar revision (see calendarRevision
   * in the schema) the caller had read before it was looked up: its content is at least that
   * recent, so it is current for any read made at that revision or an earlier one.
   */
  const current = new Map<string, { revision: number, resolved: ResolvedCalendar }>()
  /** The calendar as it stands for a read made at `revision`: no query when one is cached at that revision or later. */
  resolve.atRevision = async (db: Db, calendarId: string | null, revision: number): Promise<ResolvedCalendar> => {
    const cached = resolve.cachedAt(calendarId, revision)
    if (cached !== undefined) return cached
    const resolved = await resolve(db, calendarId!)
    if (current.size > 1000) current.clear()
    if ((current.get(calendarId!)?.revision ?? -1) < revision) current.set(calendarId!, { revision, resolved })
    return resolved
  }
  /** The same when it needs no query (no calendar: around the clock), else undefined. */
  resolve.cachedAt = (calendarId: string | null, revision: number): ResolvedCalendar | undefined => {
    if (calendarId === null) return aroundTheClock
    const entry = current.get(calendarId)
    return entry !== undefined && entry.revision >= revision ? entry.resolved : undefined
  }
  return resolve
}
export type CalendarCache = ReturnType<typeof createCalendarCache>
