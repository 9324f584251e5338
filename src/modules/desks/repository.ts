import { asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { afterKey } from '../../db/keyset.js'
import { desks, teamMembers, teams, users } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'

export type DeskRow = typeof desks.$inferSelect
export type TeamRow = typeof teams.$inferSelect

/** Each desk numbers its tickets from its own sequence: no lock between creators, gaps allowed. */
export const deskSequenceName = (deskId: string) => `ticket_number_${deskId.replace(/-/g, '')}`

export async function insertDesk (db: Db, values: { key: string, name: string, calendarId?: string | null }, now: Date) {
  const [row] = await db.insert(desks).values({ ...values, createdAt: now }).returning()
  await db.execute(sql.raw(`create sequence if not exists ${deskSequenceName(row!.id)}`))
  return row!
}

/** Finds a desk by id or by key (`IT`). */
export async function findDesk (db: Db, idOrKey: string) {
  const [row] = await db.select().from(desks).where(isUuid(idOrKey) ? eq(desks.id, idOrKey) : eq(desks.key, idOrKey.toUpperCase()))
  return row
}

export async function findDesksByIds (db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.select().from(desks).where(inArray(desks.id, [...ids]))
}

export async function listDesks (db: Db, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select().from(desks).where(afterKey(desks.createdAt, desks.id, after)).orderBy(asc(desks.createdAt), asc(desks.id)).limit(limit + 1)
}

export async function updateDesk (db: Db, id: string, patch: Partial<typeof desks.$inferInsert>) {
  const [row] = await db.update(desks).set(patch).where(eq(desks.id, id)).returning()
  return row
}

export async function insertTeam (db: Db, values: { name: string, deskId: string, isSupplier: boolean }, now: Date) {
  const [row] = await db.insert(teams).values({ ...values, createdAt: now }).returning()
  return row!
}

export async function updateTeam (db: Db, id: string, patch: { name?: string, isSupplier?: boolean }) {
  if (!isUuid(id)) return undefined
  const [row] = await db.update(teams).set(patch).where(eq(teams.id, id)).returning()
  return row
}

export async function findTeamById (db: Db, id: string) {
  if (!isUuid(id)) return undefined
  const [row] = await db.select().from(teams).where(eq(teams.id, id))
  return row
}

export async function findTeamsByIds (db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.select().from(teams).where(inArray(teams.id, [...ids]))
}

export async function listTeams (db: Db, limit: number, after?: { createdAt: Date, id: string }, deskId?: string) {
  const keyset = afterKey(teams.createdAt, teams.id, after)
  const where = deskId === undefined ? keyset : keyset === undefined ? eq(teams.deskId, deskId) : sql`${eq(teams.deskId, deskId)} and ${keyset}`
  return db.select().from(teams).where(where).orderBy(asc(teams.createdAt), asc(teams.id)).limit(limit + 1)
}

export async function insertTeamMember (db: Db, teamId: string, userId: string, now: Date) {
  const rows = await db.insert(teamMembers).values({ teamId, userId, addedAt: now }).onConflictDoNothing().returning()
  return rows.length > 0
}

export async function deleteTeamMember (db: Db, teamId: string, userId: string) {
  if (!isUuid(userId)) return false
  const rows = await db.delete(teamMembers).where(sql`${teamMembers.teamId} = ${teamId} and ${teamMembers.userId} = ${userId}`).returning()
  return rows.length > 0
}

export async function listTeamMembers (db: Db, teamId: string) {
  return db.select({ user: users }).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, teamId)).orderBy(asc(teamMembers.addedAt), asc(users.id))
}

/** True when the user is in one of the desk's teams. */
export async function isDeskMember (db: Db, userId: string, deskId: string) {
  const rows = await db.select({ teamId: teams.id }).from(teamMembers).innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(sql`${teamMembers.userId} = ${userId} and ${teams.deskId} = ${deskId}`).limit(1)
  return rows.length > 0
}
