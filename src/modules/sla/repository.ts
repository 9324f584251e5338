import { asc, desc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { slaClocks, slaPolicies, slaPolicyVersions } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'
import type { ClockIndexColumns } from './clock-index.js'

export type PolicyRow = typeof slaPolicies.$inferSelect

export async function insertPolicy (db: Db, values: typeof slaPolicies.$inferInsert) {
  const [row] = await db.insert(slaPolicies).values(values).returning()
  return row!
}

export async function nextPosition (db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(max(${slaPolicies.position}) + 1, 0)::int` }).from(slaPolicies)
  return row?.n ?? 0
}

export async function findPolicy (db: Db, id: string, forUpdate = false) {
  if (!isUuid(id)) return undefined
  const query = db.select().from(slaPolicies).where(eq(slaPolicies.id, id))
  const [row] = forUpdate ? await query.for('update') : await query
  return row
}

export async function updatePolicy (db: Db, id: string, patch: Partial<typeof slaPolicies.$inferInsert>) {
  const [row] = await db.update(slaPolicies).set({ ...patch, version: sql`${slaPolicies.version} + 1` }).where(eq(slaPolicies.id, id)).returning()
  return row!
}

/** Policies in precedence order (position, then age). */
export async function listPolicies (db: Db, onlyActive: boolean) {
  return db.select().from(slaPolicies).where(onlyActive ? eq(slaPolicies.isActive, true) : undefined)
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt), asc(slaPolicies.id))
}

export async function insertPolicyVersion (db: Db, values: typeof slaPolicyVersions.$inferInsert) {
  await db.insert(slaPolicyVersions).values(values)
}

export async function listPolicyVersions (db: Db, policyId: string) {
  return db.select().from(slaPolicyVersions).where(eq(slaPolicyVersions.policyId, policyId)).orderBy(desc(slaPolicyVersions.version))
}

export type ClockRow = typeof slaClocks.$inferSelect

export async function insertClocks (db: Db, rows: Array<typeof slaClocks.$inferInsert>) {
  if (rows.length > 0) await db.insert(slaClocks).values(rows)
}

/** A ticket's clocks, locked: concurrent changes to one ticket's clocks run one after another. */
export async function findClocksForUpdate (db: Db, ticketId: string) {
  return db.select().from(slaClocks).where(eq(slaClocks.ticketId, ticketId)).orderBy(asc(slaClocks.createdAt), asc(slaClocks.id)).for('update')
}

export async function findClocks (db: Db, ticketIds: readonly string[]) {
  if (ticketIds.length === 0) return []
  return db.select().from(slaClocks).where(inArray(slaClocks.ticketId, [...ticketIds]))
    .orderBy(asc(slaClocks.createdAt), asc(slaClocks.kind), asc(slaClocks.metric), asc(slaClocks.id))
}

export async function updateClock (db: Db, id: string, patch: ClockIndexColumns & { state: unknown, goalMinutes?: unknown, updatedAt: Date }) {
  await db.update(slaClocks).set(patch).where(eq(slaClocks.id, id))
}

/**
 * Clocks whose next warning or breach is due, oldest first, locked without waiting: several
 * instances sweep at once and each due clock is taken by exactly one of them.
 */
export async function claimDueClocks (db: Db, now: Date, limit: number) {
  return db.select().from(slaClocks).where(lte(slaClocks.nextDueAt, now)).orderBy(asc(slaClocks.nextDueAt)).limit(limit).for('update', { skipLocked: true })
}
