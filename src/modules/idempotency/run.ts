import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { idempotencyKeys } from '../../db/schema.js'
import { AppError } from '../../shared/errors.js'

/** A client's Idempotency-Key and a fingerprint of the request it came with. */
export interface IdempotencyKey { key: string, fingerprint: string }

export interface CommandResult<T> { value: T, replayed: boolean }

/**
 * Runs `work` in one transaction. With a key, the stored response commits in that same
 * transaction, so a retry either replays it or finds nothing and runs again — never both.
 * A retry while the first attempt holds the key answers 409; the same key with another
 * request answers 422.
 */
export async function runCommand<T> (db: Db, command: { ownerId: string, idempotency: IdempotencyKey | undefined, now: Date }, work: (tx: Db) => Promise<T>): Promise<CommandResult<T>> {
  const { ownerId, idempotency } = command
  if (idempotency === undefined) return { value: await db.transaction(work), replayed: false }
  return db.transaction(async (tx) => {
    const lockKey = `${ownerId}:${idempotency.key}`
    const locked = await tx.execute<{ ok: boolean }>(sql`select pg_try_advisory_xact_lock(hashtextextended(${lockKey}, 0)) as ok`)
    if ((locked as unknown as { rows: Array<{ ok: boolean }> }).rows[0]?.ok !== true) {
      throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed; retry later')
    }
    const [stored] = await tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.ownerId, ownerId), eq(idempotencyKeys.key, idempotency.key)))
    if (stored !== undefined) {
      if (stored.fingerprint !== idempotency.fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request')
      }
      return { value: stored.body as T, replayed: true }
    }
    const value = await work(tx)
    await tx.insert(idempotencyKeys).values({ ownerId, key: idempotency.key, fingerprint: idempotency.fingerprint, statusCode: 200, body: value as object, createdAt: command.now })
    return { value, replayed: false }
  })
}
