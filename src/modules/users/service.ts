import type { Db } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import type { Clock } from '../../shared/clock.js'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { toPage, type Page } from '../../shared/pagination.js'
import { ROLES, isAgent, requireAdmin, requireAgent, strongestRole, type Principal, type Role } from '../../shared/principal.js'
import * as repo from './repository.js'
import { findCalendar } from '../calendars/repository.js'
import type { CreateOrganization, Me, Organization, UpdateOrganization, UpdateUser, User } from './schema.js'

export function toUser (row: repo.UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    organizationId: row.organizationId,
    managerId: row.managerId,
    department: row.department,
    location: row.location,
    createdAt: row.createdAt.toISOString()
  }
}

const toOrganization = (row: repo.OrganizationRow): Organization => ({ id: row.id, name: row.name, calendarId: row.calendarId, createdAt: row.createdAt.toISOString() })

/** Identity claims taken from a verified token (never from a header). */
export interface VerifiedIdentity extends repo.ClaimedUser { roles: Role[] }

const CACHE_TTL_MS = 5000
const CACHE_MAX = 10_000

export function createUserService ({ db, clock }: { db: Db, clock: Clock }) {
  async function checkCalendar (calendarId: string | null | undefined) {
    if (calendarId != null && await findCalendar(db, calendarId) === undefined) throw new ValidationError([{ path: '/calendarId', message: 'no such calendar' }])
  }

  // Principals are cached briefly so a request costs no extra statements; any change to
  // users, teams or memberships in this process clears the cache at once.
  const cache = new Map<string, { principal: Principal, fingerprint: string, expires: number }>()

  async function buildPrincipal (user: repo.UserRow, roles: Role[], apiKey?: { id: string, deskIds: string[] | null }): Promise<Principal> {
    const memberships = await repo.findMemberships(db, user.id)
    const role = strongestRole(roles)
    let deskIds = [...new Set(memberships.map(m => m.deskId))]
    if (apiKey?.deskIds != null) deskIds = deskIds.filter(d => apiKey.deskIds!.includes(d))
    return {
      userId: user.id,
      sub: user.sub,
      email: user.email,
      name: user.name,
      roles,
      role,
      deskIds,
      teamIds: memberships.map(m => m.teamId),
      organizationId: user.organizationId,
      department: user.department,
      location: user.location,
      apiKeyId: apiKey?.id ?? null
    }
  }

  return {
    /** Finds or creates the user behind a verified token and returns who they are. */
    async principalFor (identity: VerifiedIdentity): Promise<Principal> {
      const fingerprint = JSON.stringify(identity)
      const now = clock.now().getTime()
      const hit = cache.get(identity.sub)
      if (hit !== undefined && hit.fingerprint === fingerprint && hit.expires > now) return hit.principal
      const user = await repo.upsertUserBySub(db, identity, clock.now())
      const principal = await buildPrincipal(user, identity.roles)
      if (cache.size >= CACHE_MAX) cache.clear()
      cache.set(identity.sub, { principal, fingerprint, expires: now + CACHE_TTL_MS })
      return principal
    },

    /** The principal an API key acts as: its own user, its role, and its desk scope. */
    async principalForApiKey (key: { id: string, userId: string, role: Role, deskIds: string[] | null }): Promise<Principal | undefined> {
      const user = await repo.findUserById(db, key.userId)
      if (user === undefined) return undefined
      return buildPrincipal(user, [key.role], key)
    },

    /** Forget cached principals after memberships, roles or attributes change. */
    invalidate () { cache.clear() },

    async me (actor: Principal): Promise<Me> {
      const row = await repo.findUserById(db, actor.userId)
      if (row === undefined) throw new NotFoundError('USER_NOT_FOUND', 'Your user record no longer exists')
      return { ...toUser(row), roles: actor.roles, deskIds: [...actor.deskIds], teamIds: [...actor.teamIds] }
    },

    async get (actor: Principal, id: string): Promise<User> {
      if (!isAgent(actor) && id !== actor.userId) throw new NotFoundError('USER_NOT_FOUND', `User ${id} does not exist`)
      const row = isUuid(id) ? await repo.findUserById(db, id) : undefined
      if (row === undefined) throw new NotFoundError('USER_NOT_FOUND', `User ${id} does not exist`)
      return toUser(row)
    },

    async list (actor: Principal, limit: number, cursor?: string): Promise<Page<User>> {
      requireAgent(actor)
      const rows = await repo.listUsers(db, limit, decodeCreationCursor(cursor))
      return toPage(rows, limit, creationCursorOf, toUser)
    },

    async findMany (ids: readonly string[]): Promise<User[]> {
      return (await repo.findUsersByIds(db, ids)).map(toUser)
    },

    async update (actor: Principal, id: string, patch: UpdateUser): Promise<User> {
      requireAdmin(actor)
      if (!isUuid(id)) throw new NotFoundError('USER_NOT_FOUND', `User ${id} does not exist`)
      if (patch.organizationId != null && await repo.findOrganizationById(db, patch.organizationId) === undefined) {
        throw new NotFoundError('ORGANIZATION_NOT_FOUND', `Organization ${patch.organizationId} does not exist`)
      }
      if (patch.managerId != null && await repo.findUserById(db, patch.managerId) === undefined) {
        throw new NotFoundError('USER_NOT_FOUND', `Manager ${patch.managerId} does not exist`)
      }
      const row = await repo.updateUser(db, id, { ...patch, updatedAt: clock.now() })
      if (row === undefined) throw new NotFoundError('USER_NOT_FOUND', `User ${id} does not exist`)
      cache.clear()
      return toUser(row)
    },

    async createOrganization (actor: Principal, input: CreateOrganization): Promise<Organization> {
      requireAdmin(actor)
      await checkCalendar(input.calendarId)
      try {
        return toOrganization(await repo.insertOrganization(db, input, clock.now()))
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('CONFLICT', `An organization named ${input.name} exists`)
        throw err
      }
    },

    async updateOrganization (actor: Principal, id: string, patch: UpdateOrganization): Promise<Organization> {
      requireAdmin(actor)
      await checkCalendar(patch.calendarId)
      try {
        const row = isUuid(id) ? await repo.updateOrganization(db, id, patch) : undefined
        if (row === undefined) throw new NotFoundError('ORGANIZATION_NOT_FOUND', `Organization ${id} does not exist`)
        return toOrganization(row)
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('CONFLICT', `An organization named ${patch.name ?? ''} exists`)
        throw err
      }
    },

    async getOrganization (actor: Principal, id: string): Promise<Organization> {
      const row = isUuid(id) && (isAgent(actor) || actor.organizationId === id) ? await repo.findOrganizationById(db, id) : undefined
      if (row === undefined) throw new NotFoundError('ORGANIZATION_NOT_FOUND', `Organization ${id} does not exist`)
      return toOrganization(row)
    },

    async listOrganizations (actor: Principal, limit: number, cursor?: string): Promise<Page<Organization>> {
      requireAgent(actor)
      const rows = await repo.listOrganizations(db, limit, decodeCreationCursor(cursor))
      return toPage(rows, limit, creationCursorOf, toOrganization)
    }
  }
}
export type UserService = ReturnType<typeof createUserService>
