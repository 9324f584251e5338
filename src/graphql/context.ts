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
