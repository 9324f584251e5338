import { worksDesk, type Principal } from '../../shared/principal.js'
import type { TransitionActor } from '../workflows/definition.js'

/**
 * How a caller relates to one ticket: `agent` works its desk (or is an admin); `requester`
 * opened it or was added as a participant; `viewer` sees what a requester sees but acts on
 * nothing (an approver asked to decide it, an agent of a desk holding one of its fulfilment
 * tasks); `none` may not know it exists.
 */
export type TicketAccess = 'agent' | 'requester' | 'viewer' | 'none'

export function accessTo (actor: Principal, ticket: { deskId: string, requesterId: string }, isParticipant: boolean): TicketAccess {
  if (worksDesk(actor, ticket.deskId)) return 'agent'
  if (ticket.requesterId === actor.userId || isParticipant) return 'requester'
  return 'none'
}

/** The workflow actors a caller counts as: agents may also do what requesters may. */
export const workflowActors = (access: TicketAccess): TransitionActor[] =>
  access === 'agent' ? ['agent', 'requester'] : access === 'requester' ? ['requester'] : []

/** Fields each kind of caller may send when creating or updating a ticket. */
export const WRITABLE_ON_CREATE: Record<'agent' | 'requester', ReadonlySet<string>> = {
  requester: new Set(['type', 'title', 'description', 'deskId', 'serviceId', 'catalogItemId', 'impact', 'urgency', 'channel', 'fields', 'tags', 'parentId']),
  agent: new Set(['type', 'title', 'description', 'deskId', 'serviceId', 'catalogItemId', 'impact', 'urgency', 'channel', 'fields', 'tags', 'parentId', 'requesterId', 'assigneeId', 'teamId', 'priority'])
}
export const WRITABLE_ON_UPDATE: Record<Exclude<TicketAccess, 'none'>, ReadonlySet<string>> = {
  requester: new Set(['title', 'description']),
  viewer: new Set(),
  agent: new Set(['title', 'description', 'serviceId', 'impact', 'urgency', 'priority', 'assigneeId', 'teamId', 'parentId', 'channel', 'fields', 'tags'])
}

const why: Record<string, string> = {
  status: 'is changed through POST /v1/tickets/{id}/transitions',
  sla: 'is computed by the service',
  requesterId: 'cannot change after creation'
}

/** Names every field in `input` the caller may not write. */
export function unwritableFields (input: object, writable: ReadonlySet<string>): Array<{ path: string, message: string }> {
  return Object.keys(input).filter(k => !writable.has(k)).map(k => ({ path: `/${k}`, message: why[k] ?? 'is not writable by your role' }))
}
