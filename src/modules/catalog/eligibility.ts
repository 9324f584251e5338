import type { Role } from '../../shared/principal.js'

/**
 * Who may see and request a service or catalogue item. Every key is optional; the keys present
 * are AND-ed and each matches when the person has any of its values. No keys: everyone.
 */
export interface Eligibility {
  roles?: Role[]
  teamIds?: string[]
  deskIds?: string[]
  organizationIds?: string[]
  departments?: string[]
  locations?: string[]
}

/** What eligibility is decided on: the person's roles, memberships and directory attributes. */
export interface Person {
  roles: readonly Role[]
  teamIds: readonly string[]
  deskIds: readonly string[]
  organizationId: string | null
  department: string | null
  location: string | null
}

const anyOf = <T>(wanted: readonly T[] | undefined, has: readonly T[]) =>
  wanted === undefined || wanted.length === 0 || wanted.some(w => has.includes(w))

const oneOf = (wanted: readonly string[] | undefined, value: string | null) =>
  wanted === undefined || wanted.length === 0 || (value !== null && wanted.includes(value))

/** Attribute values compare case-insensitively: directories disagree on "Sales" and "sales". */
const folded = (values: readonly string[] | undefined) => values?.map(v => v.toLowerCase())

export function isEligible (rule: Eligibility, person: Person): boolean {
  return anyOf(rule.roles, person.roles) &&
    anyOf(rule.teamIds, person.teamIds) &&
    anyOf(rule.deskIds, person.deskIds) &&
    oneOf(rule.organizationIds, person.organizationId) &&
    oneOf(folded(rule.departments), person.department?.toLowerCase() ?? null) &&
    oneOf(folded(rule.locations), person.location?.toLowerCase() ?? null)
}
