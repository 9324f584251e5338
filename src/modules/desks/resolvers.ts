import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { actorOf, toConnection, withoutNulls, type GraphQLContext, nullIfMissing } from '../../graphql/context.js'
import type { Team } from './schema.js'

export const deskResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    desks: async (_root, args: { first?: number, after?: string }, ctx) => toConnection(await ctx.services.desks.list(actorOf(ctx), Math.min(Math.max(args.first ?? 50, 1), 200), args.after ?? undefined)),
    desk: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.desks.get(actorOf(ctx), id)),
    team: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.desks.getTeam(actorOf(ctx), id))
  },
  Mutation: {
    createDesk: async (_root, { input }: { input: { key: string, name: string, calendarId?: string } }, ctx) =>
      ctx.services.desks.create(actorOf(ctx), { key: input.key, name: input.name, ...(input.calendarId != null ? { calendarId: input.calendarId } : {}) }),
    createTeam: async (_root, { input }: { input: { name: string, deskId: string, supplier?: boolean | null } }, ctx) =>
      ctx.services.desks.createTeam(actorOf(ctx), { name: input.name, deskId: input.deskId, ...(input.supplier != null ? { supplier: input.supplier } : {}) }),
    updateTeam: async (_root, { id, input }: { id: string, input: { name?: string, supplier?: boolean } }, ctx) =>
      ctx.services.desks.updateTeam(actorOf(ctx), id, withoutNulls(input)),
    addTeamMember: async (_root, { teamId, userId }: { teamId: string, userId: string }, ctx) => ctx.services.desks.addMember(actorOf(ctx), teamId, userId),
    removeTeamMember: async (_root, { teamId, userId }: { teamId: string, userId: string }, ctx) => {
      await ctx.services.desks.removeMember(actorOf(ctx), teamId, userId)
      return true
    }
  }
}

export const deskLoaders: MercuriusLoaders<GraphQLContext> = {
  Team: {
    desk: async (queries: Array<{ obj: Team }>, ctx) => {
      const desks = await ctx.services.desks.findMany([...new Set(queries.map(q => q.obj.deskId))])
      return queries.map(q => desks.find(d => d.id === q.obj.deskId) ?? null)
    }
  }
}
