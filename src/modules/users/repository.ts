import { asc, eq, inArray } from 'drizzle-orm'
import { isUuid } from '../../shared/ids.js'
import { afterKey } from '../../db/keyset.js'
import type { Db } from '../../db/client.js'
import { organizations, teamMembers, teams, users } from '../../db/schema.js'

export type UserRow = typeof users.$inferSelect
export type OrganizationRow = typeof organizations.$inferSelect

export interface ClaimedUser {
  sub: string
  email: string | null
  name: string | null
  roles: string[]
  department?: string | undefined
  location?: string | undefined
}

/** Creates the user on first sight of a `sub`; later tokens refresh name, email, roles and claimed attributes. */
export async function upsertUserBySub (db: Db, claimed: ClaimedUser, now: Date): Promise<UserRow> {
  const refresh: Partial<typeof users.$inferInsert> = { email: claimed.email, name: claimed.name, roles: claimed.roles, updatedAt: now }
  if (claimed.department !== undefined) refresh.department = claimed.department
  if (claimed.location !== undefined) refresh.location = claimed.location
  const [row] = await db.insert(users)
    .values({ sub: claimed.sub, createdAt: now, ...refresh, updatedAt: now })
    .onConflictDoUpdate({ target: users.sub, set: refresh })
    .returning()
  return row!
}

export async function findUserBySub (db: Db, sub: string) {
  const [row] = await db.select().from(users).where(eq(users.sub, sub))
  return row
}

export async function findUserById (db: Db, id: string) {
  if (!isUuid(id)) return undefined
  const [row] = await db.select().from(users).where(eq(users.id, id))
  return row
}

export async function findUsersByIds (db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.select().from(users).where(inArray(users.id, [...ids]))
}

export async function listUsers (db: Db, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select().from(users)
    .where(afterKey(users.createdAt, users.id, after))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(limit + 1)
}

export async function updateUser (db: Db, id: string, patch: Partial<typeof users.$inferInsert>) {
  const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning()
  return row
}

/** The desks and teams a user works through team membership. */
export async function findMemberships (db: Db, userId: string) {
  return db.select({ teamId: teams.id, deskId: teams.deskId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.userId, userId))
}

export async function insertOrganization (db: Db, values: { name: string, calendarId?: string | null | undefined }, now: Date) {
  const [row] = await db.insert(organizations).values({ name: values.name, calendarId: values.calendarId ?? null, createdAt: now }).returning()
  return row!
}

export async function updateOrganization (db: Db, id: string, patch: { name?: string | undefined, calendarId?: string | null | undefined }) {
  const [row] = await db.update(organizations).set(patch).where(eq(organizations.id, id)).returning()
  return row
}

export async function findOrganizationById (db: Db, id: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id))
  return row
}

export async function listOrganizations (db: Db, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select().from(organizations)
    .where(afterKey(organizations.createdAt, organizations.id, after))
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
    .limit(limit + 1)
}
