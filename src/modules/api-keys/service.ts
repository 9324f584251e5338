import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { Type, type Static } from '@sinclair/typebox'
import type { Db } from '../../db/client.js'
import { apiKeys, users } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import { NotFoundError, ValidationError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { requireAdmin, type Principal, type Role } from '../../shared/principal.js'
import { Nullable, Timestamp, Uuid } from '../../http/schemas.js'
import { RoleSchema } from '../users/schema.js'
import { findDesk } from '../desks/repository.js'

export const ApiKeySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  role: RoleSchema,
  deskIds: Nullable(Type.Array(Uuid)),
  userId: Uuid,
  createdAt: Timestamp,
  revokedAt: Nullable(Timestamp)
}, { $id: 'ApiKey' })
export type ApiKey = Static<typeof ApiKeySchema>
export const CreatedApiKeySchema = Type.Composite([ApiKeySchema, Type.Object({ key: Type.String({ description: 'The secret; shown only in this response' }) })])
export const CreateApiKeySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: RoleSchema,
  deskIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100, description: 'Limit an agent key to these desks (ids or keys)' }))
}, { additionalProperties: false })

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex')
const toApiKey = (row: typeof apiKeys.$inferSelect): ApiKey => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  role: row.role as Role,
  deskIds: row.deskIds,
  userId: row.userId,
  createdAt: row.createdAt.toISOString(),
  revokedAt: row.revokedAt?.toISOString() ?? null
})

/** API keys: created by admins, stored as SHA-256 hashes, shown once, revocable. */
export function createApiKeyService ({ db, clock }: { db: Db, clock: Clock }) {
  return {
    async create (actor: Principal, input: Static<typeof CreateApiKeySchema>): Promise<ApiKey & { key: string }> {
      requireAdmin(actor)
      const deskIds: string[] = []
      for (const [i, ref] of (input.deskIds ?? []).entries()) {
        const desk = await findDesk(db, ref)
        if (desk === undefined) throw new ValidationError([{ path: `/deskIds/${i}`, message: `no desk ${ref}` }])
        deskIds.push(desk.id)
      }
      const key = `dk_${randomBytes(24).toString('base64url')}`
      const now = clock.now()
      const row = await db.transaction(async (tx) => {
        // The key acts as a user of its own, so what it creates has an author.
        const [user] = await tx.insert(users).values({ sub: `api-key:${hashOf(key).slice(0, 16)}`, name: input.name, roles: [input.role], createdAt: now, updatedAt: now }).returning()
        const [created] = await tx.insert(apiKeys).values({
          name: input.name,
          prefix: key.slice(0, 10),
          hash: hashOf(key),
          role: input.role,
          deskIds: input.deskIds === undefined ? null : deskIds,
          userId: user!.id,
          createdBy: actor.userId,
          createdAt: now
        }).returning()
        return created!
      })
      return { ...toApiKey(row), key }
    },

    async list (actor: Principal): Promise<ApiKey[]> {
      requireAdmin(actor)
      return (await db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt))).map(toApiKey)
    },

    async revoke (actor: Principal, id: string): Promise<ApiKey> {
      requireAdmin(actor)
      const [row] = isUuid(id) ? await db.update(apiKeys).set({ revokedAt: clock.now() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning() : []
      if (row === undefined) throw new NotFoundError('API_KEY_NOT_FOUND', `No active API key ${id}`)
      return toApiKey(row)
    },

    /** The active key matching a presented secret, if any. */
    async authenticate (presented: string) {
      const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.hash, hashOf(presented)), isNull(apiKeys.revokedAt)))
      return row === undefined ? undefined : { id: row.id, userId: row.userId, role: row.role as Role, deskIds: row.deskIds }
    }
  }
}
export type ApiKeyService = ReturnType<typeof createApiKeyService>
