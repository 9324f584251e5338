import type { IResolvers } from 'mercurius'
import { actorOf, withoutNullsDeep, type GraphQLContext } from '../../graphql/context.js'
import type { ComplianceQuery, CreateSlaPolicy, RecalculateRequest, SimulateRequest, UpdateSlaPolicy } from './schema.js'

const given = withoutNullsDeep

export const slaResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    slaPolicies: async (_root, _args, ctx) => ctx.services.sla.list(actorOf(ctx)),
    slaCompliance: async (_root, args: ComplianceQuery, ctx) => ctx.services.slaReports.compliance(actorOf(ctx), { from: args.from, to: args.to, groupBy: args.groupBy }),
    simulateSla: async (_root, args: SimulateRequest, ctx) => ctx.services.sla.simulate(actorOf(ctx), given({ ticket: args.ticket, startAt: args.startAt }))
  },
  Mutation: {
    createSlaPolicy: async (_root, { input }: { input: CreateSlaPolicy }, ctx) => ctx.services.sla.create(actorOf(ctx), given(input)),
    updateSlaPolicy: async (_root, { id, input }: { id: string, input: UpdateSlaPolicy }, ctx) => ctx.services.sla.update(actorOf(ctx), id, given(input)),
    recalculateSla: async (_root, { input }: { input: RecalculateRequest }, ctx) => ctx.services.slaRecalculation.recalculate(actorOf(ctx), given(input))
  }
}
