import type { IResolvers } from 'mercurius'
import { actorOf, type GraphQLContext } from '../../graphql/context.js'

export const userResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    me: async (_root, _args, ctx) => ctx.services.users.me(actorOf(ctx)),
    user: async (_root, { id }: { id: string }, ctx) => {
      try { return await ctx.services.users.get(actorOf(ctx), id) } catch (err) {
        if ((err as { code?: string }).code === 'USER_NOT_FOUND') return null
        throw err
      }
    }
  }
}
