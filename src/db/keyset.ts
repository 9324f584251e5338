import { and, eq, gt, or, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/** Keyset condition "strictly after (createdAt, id)" for lists ordered by creation. */
export function afterKey (createdAtColumn: PgColumn, idColumn: PgColumn, after: { createdAt: Date, id: string } | undefined): SQL | undefined {
  if (after === undefined) return undefined
  return or(gt(createdAtColumn, after.createdAt), and(eq(createdAtColumn, after.createdAt), gt(idColumn, after.id)))
}
