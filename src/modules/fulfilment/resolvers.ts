import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { actorOf, toConnection, withoutNulls, type GraphQLContext, nullIfMissing } from '../../graphql/context.js'
import { ValidationError } from '../../shared/errors.js'
import type { Ticket } from '../tickets/schema.js'
import type { Approval, ApprovalPolicy, Approver, Decision, Task, TaskStatus, TaskTemplate, UpdateTask } from './schema.js'

const firstOf = (first: number | null | undefined) => {
  const n = first ?? 50
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new ValidationError([{ path: '/first', message: 'must be between 1 and 200' }])
  return n
}

export const fulfilmentResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    approval: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.fulfilment.approvals.get(actorOf(ctx), id)),
    approvals: async (_root, args: { state?: Approval['state'] | null, approver?: string | null, first?: number, after?: string | null }, ctx) =>
      toConnection(await ctx.services.fulfilment.approvals.list(actorOf(ctx), withoutNulls({ state: args.state, approver: args.approver, limit: firstOf(args.first), cursor: args.after }) as never)),
    task: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.fulfilment.tasks.get(actorOf(ctx), id)),
    tasks: async (_root, args: { teamId?: string | null, assigneeId?: string | null, status?: TaskStatus | null, first?: number, after?: string | null }, ctx) =>
      toConnection(await ctx.services.fulfilment.tasks.queue(actorOf(ctx), withoutNulls({ teamId: args.teamId, assigneeId: args.assigneeId, status: args.status, limit: firstOf(args.first), cursor: args.after }) as never))
  },
  Mutation: {
    requestApproval: async (_root, { ticketId, policy, idempotencyKey }: { ticketId: string, policy: ApprovalPolicy, idempotencyKey?: string | null }, ctx) => {
      const idempotency = idempotencyKey == null ? undefined : { key: idempotencyKey, fingerprint: `graphql:requestApproval:${ticketId}:${JSON.stringify(policy)}` }
      return (await ctx.services.fulfilment.approvals.request(actorOf(ctx), ticketId, policy, { idempotency })).value
    },
    decideApproval: async (_root, args: { id: string, decision: Decision, comment?: string | null }, ctx) =>
      ctx.services.fulfilment.approvals.decide(actorOf(ctx), args.id, withoutNulls({ decision: args.decision, comment: args.comment }) as { decision: Decision, comment?: string }),
    addTask: async (_root, { ticketId, input }: { ticketId: string, input: TaskTemplate }, ctx) =>
      (await ctx.services.fulfilment.tasks.add(actorOf(ctx), ticketId, withoutNulls(input))).value,
    updateTask: async (_root, { id, input }: { id: string, input: UpdateTask }, ctx) =>
      ctx.services.fulfilment.tasks.update(actorOf(ctx), id, withoutNulls(input, ['assigneeId']))
  }
}

const usersFor = async (ctx: GraphQLContext, ids: Array<string | null>) => {
  const users = await ctx.services.users.findMany([...new Set(ids.filter((id): id is string => id !== null))])
  return ids.map(id => users.find(u => u.id === id) ?? null)
}
/** Parents through the ticket service, so an approver or a task's desk agent gets the ticket they may see. */
const ticketsFor = async (ctx: GraphQLContext, ids: string[]) => {
  const unique = [...new Set(ids)]
  const found = await Promise.all(unique.map(async id => nullIfMissing(ctx.services.tickets.get(actorOf(ctx), id))))
  return ids.map(id => found[unique.indexOf(id)] ?? null)
}

/** Batched relations: one statement per relation for a page of tickets, approvals or tasks. */
export const fulfilmentLoaders: MercuriusLoaders<GraphQLContext> = {
  Ticket: {
    approvals: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const byTicket = await ctx.services.fulfilment.approvals.ofTickets(queries.map(q => q.obj.id))
      return queries.map(q => byTicket.get(q.obj.id) ?? [])
    },
    tasks: async (queries: Array<{ obj: Ticket }>, ctx) => {
      const byTicket = await ctx.services.fulfilment.tasks.ofTickets(queries.map(q => q.obj.id))
      return queries.map(q => byTicket.get(q.obj.id) ?? [])
    }
  },
  Approval: {
    ticket: async (queries: Array<{ obj: Approval }>, ctx) => ticketsFor(ctx, queries.map(q => q.obj.ticketId)),
    requestedBy: async (queries: Array<{ obj: Approval }>, ctx) => usersFor(ctx, queries.map(q => q.obj.requestedById))
  },
  Approver: {
    user: async (queries: Array<{ obj: Approver }>, ctx) => usersFor(ctx, queries.map(q => q.obj.userId))
  },
  Task: {
    ticket: async (queries: Array<{ obj: Task }>, ctx) => ticketsFor(ctx, queries.map(q => q.obj.ticketId)),
    assignee: async (queries: Array<{ obj: Task }>, ctx) => usersFor(ctx, queries.map(q => q.obj.assigneeId)),
    team: async (queries: Array<{ obj: Task }>, ctx) => {
      const teams = await ctx.services.desks.findTeams([...new Set(queries.map(q => q.obj.teamId))])
      return queries.map(q => teams.find(t => t.id === q.obj.teamId) ?? null)
    },
    desk: async (queries: Array<{ obj: Task }>, ctx) => {
      const desks = await ctx.services.desks.findMany([...new Set(queries.map(q => q.obj.deskId))])
      return queries.map(q => desks.find(d => d.id === q.obj.deskId) ?? null)
    }
  }
}
