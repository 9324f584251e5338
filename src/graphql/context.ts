import type { Principal } from '../shared/principal.js'
import type { Services } from '../services.js'
import { UnauthenticatedError } from '../shared/errors.js'
import type { Page } from '../shared/pagination.js'

export interface GraphQLContext { principal: Principal | null, services: Services }

declare module 'mercurius' {
  interface MercuriusContext extends GraphQLContext {}
}

export function actorOf (ctx: GraphQLContext): Principal {
  if (ctx.principal === null) throw new UnauthenticatedError()
  return ctx.principal
}

/** A REST page as a Relay connection; each edge's cursor resumes after it only for the last edge. */
export function toConnection<T> (page: Page<T>) {
  return {
    edges: page.data.map(node => ({ node, cursor: page.nextCursor ?? '' })),
    pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor },
    totalCount: page.total ?? page.data.length
  }
}

export const MAX_FIRST = 200

/**
 * GraphQL inputs say "not given" with null; the services say it with an absent key. Drops the
 * top-level nulls except under `keep`, where null means "clear this value".
 */
export const withoutNulls = <T extends object>(input: T, keep: readonly string[] = []): T =>
  Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && (v !== null || keep.includes(k)))) as T

/** withoutNulls at every depth, for nested inputs that carry no free-form JSON. */
export function withoutNullsDeep<T> (value: T): T {
  if (Array.isArray(value)) return value.map(withoutNullsDeep) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v != null).map(([k, v]) => [k, withoutNullsDeep(v)])) as T
  }
  return value
}

/** A lookup that answers null, as GraphQL root fields do, for what does not exist or may not be seen. */
export async function nullIfMissing<T> (work: Promise<T>): Promise<T | null> {
  try { return await work } catch (err) {
    if (/NOT_FOUND$/.test((err as { code?: string }).code ?? '')) return null
    throw err
  }
}
