import { ValidationError } from '../shared/errors.js'
import type { Services } from '../services.js'
import type { Principal } from '../shared/principal.js'
import type { Ticket } from '../modules/tickets/schema.js'
import { TicketSchema } from '../modules/tickets/schema.js'

const EXPANDABLE = ['requester', 'assignee', 'team', 'sla'] as const
type Expandable = typeof EXPANDABLE[number]
const TICKET_FIELDS = Object.keys(TicketSchema.properties).filter(k => !(EXPANDABLE as readonly string[]).includes(k))

export interface Shape { fields?: string[] | undefined, expand: Expandable[] }

/** Parses `fields=` and `expand=`, refusing names that do not exist. */
export function parseShape (query: { fields?: string | undefined, expand?: string | undefined }): Shape {
  const names = (v: string | undefined) => v === undefined ? undefined : v.split(',').map(s => s.trim()).filter(Boolean)
  const fields = names(query.fields)
  const expand = names(query.expand) ?? []
  const errors = [
    ...(fields ?? []).filter(f => !TICKET_FIELDS.includes(f) && !(EXPANDABLE as readonly string[]).includes(f)).map(f => ({ path: '/query/fields', message: `${f} is not a ticket field` })),
    ...expand.filter(e => !(EXPANDABLE as readonly string[]).includes(e)).map(e => ({ path: '/query/expand', message: `${e} cannot be expanded; use ${EXPANDABLE.join(', ')}` }))
  ]
  if (errors.length > 0) throw new ValidationError(errors)
  return { fields, expand: expand as Expandable[] }
}

/** A single ticket carries its clocks unless `fields=` leaves them out. */
export function withSla (shape: Shape): Shape {
  if (shape.expand.includes('sla') || (shape.fields !== undefined && !shape.fields.includes('sla'))) return shape
  return { ...shape, expand: [...shape.expand, 'sla'] }
}

/** Inlines related objects with one batched lookup per relation, then narrows to `fields`. */
export async function shapeTickets (services: Services, actor: Principal, tickets: Ticket[], shape: Shape): Promise<Array<Partial<Ticket>>> {
  let out: Ticket[] = tickets
  if (shape.expand.includes('sla')) {
    // One query for the clocks of the whole page (plus one per distinct calendar), never one per ticket.
    const clocks = await services.clocks.views(actor, tickets)
    out = out.map(t => ({ ...t, sla: clocks.get(t.id) ?? [] }))
  }
  if (shape.expand.some(e => e !== 'sla')) {
    const userIds = new Set<string>()
    const teamIds = new Set<string>()
    for (const t of tickets) {
      if (shape.expand.includes('requester')) userIds.add(t.requesterId)
      if (shape.expand.includes('assignee') && t.assigneeId !== null) userIds.add(t.assigneeId)
      if (shape.expand.includes('team') && t.teamId !== null) teamIds.add(t.teamId)
    }
    const [users, teams] = await Promise.all([services.users.findMany([...userIds]), services.desks.findTeams([...teamIds])])
    const userById = new Map(users.map(u => [u.id, u]))
    const teamById = new Map(teams.map(t => [t.id, t]))
    out = out.map(t => ({
      ...t,
      ...(shape.expand.includes('requester') ? { requester: userById.get(t.requesterId) } : {}),
      ...(shape.expand.includes('assignee') ? { assignee: t.assigneeId === null ? null : userById.get(t.assigneeId) ?? null } : {}),
      ...(shape.expand.includes('team') ? { team: t.teamId === null ? null : teamById.get(t.teamId) ?? null } : {})
    }))
  }
  const fields = shape.fields
  if (fields === undefined) return out
  return out.map(t => Object.fromEntries(['id', ...fields].map(f => [f, t[f as keyof Ticket]])) as Partial<Ticket>)
}
