import { asc, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { slaPolicies, slaPolicyVersions } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'

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
