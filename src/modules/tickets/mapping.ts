import type { TicketRow, CommentRow, EventRow } from './repository.js'
import type { Comment, Ticket, TicketEvent } from './schema.js'

const iso = (d: Date | null) => d === null ? null : d.toISOString()

export function toTicket (row: TicketRow): Ticket {
  return {
    id: row.id,
    key: row.key,
    type: row.type as Ticket['type'],
    title: row.title,
    description: row.description,
    deskId: row.deskId,
    serviceId: row.serviceId,
    catalogItemId: row.catalogItemId,
    requesterId: row.requesterId,
    assigneeId: row.assigneeId,
    teamId: row.teamId,
    parentId: row.parentId,
    status: row.status,
    statusCategory: row.statusCategory as Ticket['statusCategory'],
    impact: row.impact as Ticket['impact'],
    urgency: row.urgency as Ticket['urgency'],
    priority: row.priority as Ticket['priority'],
    priorityOverridden: row.priorityOverridden,
    channel: row.channel as Ticket['channel'],
    resolution: row.resolution as Ticket['resolution'],
    fields: row.fields as Record<string, unknown>,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolvedAt: iso(row.resolvedAt),
    closedAt: iso(row.closedAt),
    version: row.version
  }
}

export const toComment = (row: CommentRow): Comment => ({
  id: row.id, ticketId: row.ticketId, authorId: row.authorId, body: row.body, visibility: row.visibility as Comment['visibility'], createdAt: row.createdAt.toISOString()
})

export const toEvent = (row: EventRow): TicketEvent => ({
  id: String(row.id),
  ticketId: row.ticketId,
  type: row.type,
  actorId: row.actorId,
  internal: row.isInternal,
  before: row.before as TicketEvent['before'],
  after: row.after as TicketEvent['after'],
  occurredAt: row.occurredAt.toISOString()
})

/** The fields whose values differ, as before/after halves for the timeline. */
export function diff (before: Ticket, after: Ticket): { before: Record<string, unknown>, after: Record<string, unknown> } | undefined {
  const ignored = new Set(['version', 'updatedAt'])
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of Object.keys(after) as Array<keyof Ticket>) {
    if (ignored.has(key)) continue
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key]
      a[key] = after[key]
    }
  }
  return Object.keys(a).length === 0 ? undefined : { before: b, after: a }
}
