import { ForbiddenError } from './errors.js'

export const ROLES = ['requester', 'agent', 'admin'] as const
export type Role = typeof ROLES[number]

/** The verified caller: who they are and what their role and desk memberships allow. */
export interface Principal {
  userId: string
  sub: string
  email: string | null
  name: string | null
  roles: Role[]
  /** The strongest of `roles`. */
  role: Role
  /** Desks whose tickets this caller works (through team membership, or an API key's scope). */
  deskIds: readonly string[]
  teamIds: readonly string[]
  organizationId: string | null
  /** Directory attributes that catalogue eligibility rules match on. */
  department: string | null
  location: string | null
  apiKeyId: string | null
}

const rank: Record<Role, number> = { requester: 0, agent: 1, admin: 2 }

export function strongestRole (roles: readonly Role[]): Role {
  return roles.reduce<Role>((best, r) => rank[r] > rank[best] ? r : best, 'requester')
}

export const isAdmin = (p: Principal) => p.role === 'admin'
export const isAgent = (p: Principal) => rank[p.role] >= rank.agent

/** True when the caller works tickets of `deskId` (admins work every desk). */
export const worksDesk = (p: Principal, deskId: string) => isAdmin(p) || (isAgent(p) && p.deskIds.includes(deskId))

export function requireAdmin (p: Principal): void {
  if (!isAdmin(p)) throw new ForbiddenError('Only admins may do this')
}
export function requireAgent (p: Principal): void {
  if (!isAgent(p)) throw new ForbiddenError('Only agents and admins may do this')
}
