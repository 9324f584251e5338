import type { Db } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import type { Clock } from '../../shared/clock.js'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { toPage, type Page } from '../../shared/pagination.js'
import { requireAdmin, requireAgent, type Principal } from '../../shared/principal.js'
import { validateCalendar, type CalendarDefinition, type Holiday, type WorkingInterval } from '../sla/calendar.js'
import { parseIcalHolidays } from './ical.js'
import * as repo from './repository.js'
import type { Calendar, CreateCalendar, UpdateCalendar } from './schema.js'

const toCalendar = (row: repo.CalendarRow): Calendar => ({
  id: row.id,
  name: row.name,
  timeZone: row.timeZone,
  workingHours: row.workingHours as WorkingInterval[],
  holidays: row.holidays as Holiday[],
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString()
})

const calendarNotFound = (id: string) => new NotFoundError('NOT_FOUND', `Calendar ${id} does not exist`)

function checked (definition: CalendarDefinition): CalendarDefinition {
  const issues = validateCalendar(definition)
  if (issues.length > 0) throw new ValidationError(issues)
  return definition
}

/** Holidays sorted by date, one per date (the first name given wins). */
function mergeHolidays (existing: Holiday[], added: Holiday[]): Holiday[] {
  const byDate = new Map<string, Holiday>()
  for (const h of [...existing, ...added]) if (!byDate.has(h.date)) byDate.set(h.date, h)
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date))
}

/** Business calendars: admins define them; agents read them. */
export function createCalendarService ({ db, clock }: { db: Db, clock: Clock }) {
  const uniqueName = async <T>(name: string | undefined, work: () => Promise<T>) => {
    try { return await work() } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError('CONFLICT', `A calendar named ${name ?? ''} exists`)
      throw err
    }
  }
  return {
    async create (actor: Principal, input: CreateCalendar): Promise<Calendar> {
      requireAdmin(actor)
      const definition = checked({ timeZone: input.timeZone, workingHours: input.workingHours ?? [], holidays: mergeHolidays([], input.holidays ?? []) })
      const now = clock.now()
      return toCalendar(await uniqueName(input.name, () => repo.insertCalendar(db, { name: input.name, ...definition, createdAt: now, updatedAt: now })))
    },

    async get (actor: Principal, id: string): Promise<Calendar> {
      requireAgent(actor)
      const row = await repo.findCalendar(db, id)
      if (row === undefined) throw calendarNotFound(id)
      return toCalendar(row)
    },

    async list (actor: Principal, limit: number, cursor?: string): Promise<Page<Calendar>> {
      requireAgent(actor)
      return toPage(await repo.listCalendars(db, limit, decodeCreationCursor(cursor)), limit, creationCursorOf, toCalendar)
    },

    async update (actor: Principal, id: string, patch: UpdateCalendar): Promise<Calendar> {
      requireAdmin(actor)
      return db.transaction(async (tx) => {
        const row = await repo.findCalendarForUpdate(tx, id)
        if (row === undefined) throw calendarNotFound(id)
        const current = toCalendar(row)
        const definition = checked({
          timeZone: patch.timeZone ?? current.timeZone,
          workingHours: patch.workingHours ?? current.workingHours,
          holidays: patch.holidays === undefined ? current.holidays : mergeHolidays([], patch.holidays)
        })
        const name = patch.name ?? current.name
        return toCalendar(await uniqueName(name, () => repo.updateCalendar(tx, row.id, { name, ...definition, updatedAt: clock.now() })))
      })
    },

    /** Adds the holidays of an iCalendar file to a calendar; dates it already has are kept as they are. */
    async importHolidays (actor: Principal, id: string, ics: string) {
      requireAdmin(actor)
      const { holidays, problems } = parseIcalHolidays(ics)
      if (holidays.length === 0) throw new ValidationError(problems.length > 0 ? problems : [{ path: '/', message: 'the file holds no events' }])
      return db.transaction(async (tx) => {
        const row = await repo.findCalendarForUpdate(tx, id)
        if (row === undefined) throw calendarNotFound(id)
        const current = toCalendar(row)
        const merged = mergeHolidays(current.holidays, holidays)
        checked({ timeZone: current.timeZone, workingHours: current.workingHours, holidays: merged })
        const updated = await repo.updateCalendar(tx, row.id, { holidays: merged, updatedAt: clock.now() })
        return { calendar: toCalendar(updated), imported: merged.length - current.holidays.length, skipped: problems }
      })
    },

    /** True when a calendar with this id exists (desks and policies refer to calendars). */
    async exists (id: string): Promise<boolean> {
      return await repo.findCalendar(db, id) !== undefined
    }
  }
}
export type CalendarService = ReturnType<typeof createCalendarService>
