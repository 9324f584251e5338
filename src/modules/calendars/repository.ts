import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { afterKey } from '../../db/keyset.js'
import { calendars } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'

export type CalendarRow = typeof calendars.$inferSelect

export async function insertCalendar (db: Db, values: typeof calendars.$inferInsert) {
  const [row] = await db.insert(calendars).values(values).returning()
  return row!
}

export async function findCalendar (db: Db, id: string) {
  if (!isUuid(id)) return undefined
  const [row] = await db.select().from(calendars).where(eq(calendars.id, id))
  return row
}

export async function findCalendarForUpdate (db: Db, id: string) {
  if (!isUuid(id)) return undefined
  const [row] = await db.select().from(calendars).where(eq(calendars.id, id)).for('update')
  return row
}

export async function updateCalendar (db: Db, id: string, patch: Partial<typeof calendars.$inferInsert>) {
  const [row] = await db.update(calendars).set({ ...patch, version: sql`${calendars.version} + 1` }).where(eq(calendars.id, id)).returning()
  return row!
}

export async function listCalendars (db: Db, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select().from(calendars).where(afterKey(calendars.createdAt, calendars.id, after))
    .orderBy(asc(calendars.createdAt), asc(calendars.id)).limit(limit + 1)
}
