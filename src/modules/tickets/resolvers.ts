import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { actorOf, toConnection, withoutNulls, type GraphQLContext } from '../../graphql/context.js'
import { ValidationError } from '../../shared/errors.js'
import { comparison, filterFromRsql, type FilterNode, type SortKey, type SortField } from './filter.js'
import type { Comment, CreateTicket, Link, Ticket, TicketEvent, UpdateTicket } from './schema.js'
import { listRequestFromQuery } from './service.js'

interface TicketFilterInput {
  status?: string[],
  statusCategory?: string[],
  type?: string[],
  priority?: string[],
  deskId?: string[],
  assigneeId?: string[]
  teamId?: string[],
  requesterId?: string[],
  tag?: string[],
  slaState?: string[],
  createdAfter?: string,
  createdBefore?: string
  updatedAfter?: string,
  updatedBefore?: string,
  q?: string,
  rsql?: string
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())

/** GraphQL's typed filter compiles to the same internal filter as REST parameters and RSQL. */
export function filterFromInput (input: TicketFilterInput | null | undefined): { filter: FilterNode[], text?: string } {
  if (input == null) return { filter: [] }
  const filter: FilterNode[] = []
  const lists = ['status', 'statusCategory', 'type', 'priority', 'deskId', 'assigneeId', 'teamId', 'requesterId', 'tag', 'slaState'] as const
  for (const field of lists) {
    const values = input[field]
    if (values != null) filter.push(comparison(field, 'in', values, `/filter/${field}`))
  }
  const ranges = [['createdAfter', 'createdAt', 'ge'], ['createdBefore', 'createdAt', 'lt'], ['updatedAfter', 'updatedAt', 'ge'], ['updatedBefore', 'updatedAt', 'lt']] as const
  for (const [key, field, op] of ranges) {
    const value = input[key]
    if (value != null) filter.push(comparison(field, op, [value], `/filter/${key}`))
  }
  if (input.rsql != null) filter.push(filterFromRsql(input.rsql))
  return input.q != null ? { filter, text: input.q } : { filter }
}

const firstOf = (first: number | null | undefined) => {
  const n = first ?? 50
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new ValidationError([{ path: '/first', message: 'must be between 1 and 200' }])
  return n
}

const defined = withoutNulls

export const ticketResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    ticket: async (_root, { id, key }: { id?: string, key?: string }, ctx) => {
      const ref = id ?? key
      if (ref == null) throw new ValidationError([{ path: '/id', message: 'give id or key' }])
      try {
        return await ctx.services.tickets.get(actorOf(ctx), ref)
      } catch (err) {
        if ((err as { code?: string }).code === 'TICKET_NOT_FOUND') return null
        throw err
      }
    },
    tickets: async (_root, args: { filter?: TicketFilterInput, sort?: Array<{ field: string, direction: string }>, first?: number, after?: string }, ctx, info) => {
      const { filter, text } = filterFromInput(args.filter)
      const sort: SortKey[] = args.sort == null || args.sort.length === 0
        ? listRequestFromQuery({}).sort
        : args.sort.map(s => ({ field: camel(s.field) as SortField, descending: s.direction === 'desc' }))
      const wantsTotal = info.fieldNodes[0]?.selectionSet?.selections.some(s => s.kind === 'Field' && s.name.value === 'totalCount') ?? false
      const page = await ctx.services.tickets.list(actorOf(ctx), { filter, text, sort, limit: firstOf(args.first), cursor: args.after ?? undefined, includeTotal: wantsTotal })
      return toConnection(page)
    }
  },
  Mutation: {
    createTicket: async (_root, { input, idempotencyKey }: { input: CreateTicket, idempotencyKey?: string }, ctx) => {
      const body = defined(input)
      const idempotency = idempotencyKey == null ? undefined : { key: idempotencyKey, fingerprint: `graphql:createTicket:${JSON.stringify(body)}` }
      return (await ctx.services.tickets.create(actorOf(ctx), body, { idempotency })).value
    },
    updateTicket: async (_root, { id, input, expectedVersion }: { id: string, input: UpdateTicket, expectedVersion?: number }, ctx) =>
      ctx.services.tickets.update(actorOf(ctx), id, defined(input, ['description', 'assigneeId', 'teamId', 'parentId', 'priority']), { expectedVersion: expectedVersion ?? undefined }),
    transitionTicket: async (_root, args: { id: string, to: string, comment?: string, resolution?: Ticket['resolution'], expectedVersion?: number }, ctx) =>
      (await ctx.services.tickets.transition(actorOf(ctx), args.id, defined({ to: args.to, comment: args.comment, resolution: args.resolution ?? undefined }), { expectedVersion: args.expectedVersion ?? undefined })).value,
    addComment: async (_root, { ticketId, input }: { ticketId: string, input: { body: string, visibility?: Comment['visibility'] } }, ctx) =>
      (await ctx.services.conversation.addComment(actorOf(ctx), ticketId, defined(input))).value,
    addParticipant: async (_root, { ticketId, userId }: { ticketId: string, userId: string }, ctx) =>
      (await ctx.services.conversation.addParticipant(actorOf(ctx), ticketId, userId)).value,
    removeParticipant: async (_root, { ticketId, userId }: { ticketId: string, userId: string }, ctx) => {
      await ctx.services.conversation.removeParticipant(actorOf(ctx), ticketId, userId)
      return true
    },
    linkTickets: async (_root, { ticketId, targetTicketId, kind }: { ticketId: string, targetTicketId: string, kind: Link['kind'] }, ctx) =>
      (await ctx.services.conversation.addLink(actorOf(ctx), ticketId, { targetTicketId, kind })).value,
    unlinkTickets: async (_root, { ticketId, linkId }: { ticketId: string, linkId: string }, ctx) => {
      await ctx.services.conversation.removeLink(actorOf(ctx), ticketId, linkId)
      return true
    }
  },
  Ticket: {
    transitions: async (ticket: Ticket, _args, ctx) => ctx.services.tickets.transitions(actorOf(ctx), ticket.id),
    comments: async (ticket: Ticket, args: { first?: number, after?: string }, ctx) =>
      toConnection(await ctx.services.conversation.comments(actorOf(ctx), ticket.id, firstOf(args.first), args.after ?? undefined)),
    events: async (ticket: Ticket, args: { first?: number, after?: string }, ctx) =>
      toConnection(await ctx.services.conversation.events(actorOf(ctx), ticket.id, firstOf(args.first), args.after ?? undefined)),
    links: async (ticket: Ticket, _args, ctx) => ctx.services.conversation.links(actorOf(ctx), ticket.id),
    participants: async (ticket: Ticket, _args, ctx) => ctx.services.conversation.participants(actorOf(ctx), ticket.id),
    attachments: async (ticket: Ticket, args: { first?: number, after?: string }, ctx) =>
      toConnection(await ctx.services.attachments.list(actorOf(ctx), ticket.id, firstOf(args.first), args.after ?? undefined))
  },
  Attachment: {
    contentUrl: (attachment: { id: string }) => `/v1/attachments/${attachment.id}/content`
  },
  TicketLink: {
    target: async (link: Link, _args, ctx) => (await ctx.services.tickets.findMany(actorOf(ctx), [link.targetTicketId]))[0] ?? null
  }
}

/** Batched relations: one statement per relation for a whole page of tickets. */
export const ticketLoaders: MercuriusLoaders<GraphQLContext> = {
  Ticket: {
    requester: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const users = await ctx.services.users.findMany(queries.map(q => q.obj.requesterId))
      return queries.map(q => users.find(u => u.id === q.obj.requesterId) ?? null)
    },
    assignee: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const ids = queries.map(q => q.obj.assigneeId).filter((id): id is string => id !== null)
      const users = await ctx.services.users.findMany(ids)
      return queries.map(q => users.find(u => u.id === q.obj.assigneeId) ?? null)
    },
    team: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const ids = queries.map(q => q.obj.teamId).filter((id): id is string => id !== null)
      const teams = await ctx.services.desks.findTeams(ids)
      return queries.map(q => teams.find(t => t.id === q.obj.teamId) ?? null)
    },
    desk: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const desks = await ctx.services.desks.findMany([...new Set(queries.map(q => q.obj.deskId))])
      return queries.map(q => desks.find(d => d.id === q.obj.deskId) ?? null)
    },
    sla: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const views = await ctx.services.clocks.views(actorOf(ctx), queries.map(q => q.obj))
      return queries.map(q => views.get(q.obj.id) ?? [])
    },
    parent: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const ids = queries.map(q => q.obj.parentId).filter((id): id is string => id !== null)
      const parents = await ctx.services.tickets.findMany(actorOf(ctx), ids)
      return queries.map(q => parents.find(p => p?.id === q.obj.parentId) ?? null)
    }
  },
  Comment: {
    author: async (queries: Array<{ obj: Comment }>, ctx) => {
      const users = await ctx.services.users.findMany([...new Set(queries.map(q => q.obj.authorId))])
      return queries.map(q => users.find(u => u.id === q.obj.authorId) ?? null)
    }
  },
  Attachment: {
    uploadedBy: async (queries: Array<{ obj: { uploadedById: string } }>, ctx) => {
      const users = await ctx.services.users.findMany([...new Set(queries.map(q => q.obj.uploadedById))])
      return queries.map(q => users.find(u => u.id === q.obj.uploadedById) ?? null)
    }
  },
  TicketEvent: {
    actor: async (queries: Array<{ obj: TicketEvent }>, ctx) => {
      const ids = queries.map(q => q.obj.actorId).filter((id): id is string => id !== null)
      const users = await ctx.services.users.findMany([...new Set(ids)])
      return queries.map(q => users.find(u => u.id === q.obj.actorId) ?? null)
    }
  }
}
