import type { IResolvers, MercuriusLoaders } from 'mercurius'
import { actorOf, MAX_FIRST, toConnection, withoutNulls, withoutNullsDeep, type GraphQLContext, nullIfMissing } from '../../graphql/context.js'
import type { CatalogItem, CreateCatalogItem, CreateService, Service, UpdateCatalogItem, UpdateService } from './schema.js'

const first = (n: number | undefined) => Math.min(Math.max(n ?? 50, 1), MAX_FIRST)
// Forms and approval `required` are free-form JSON: only their top level loses nulls.
const itemInput = <T extends { approval?: unknown, tasks?: unknown, eligibility?: unknown }>(input: T): T => {
  const given = withoutNulls(input)
  return {
    ...given,
    ...(given.approval === undefined ? {} : { approval: withoutNullsDeep(given.approval) }),
    ...(given.tasks === undefined ? {} : { tasks: withoutNullsDeep(given.tasks) }),
    ...(given.eligibility === undefined ? {} : { eligibility: withoutNullsDeep(given.eligibility) })
  }
}
// On updates, null clears these (REST takes null for them too).
const CLEARABLE = ['description', 'ownerTeamId', 'cost', 'supportCalendarId', 'help', 'expectedDeliveryMinutes']

export const catalogResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    catalog: async (_root, args: { q?: string | null, deskId?: string | null }, ctx) =>
      ctx.services.catalog.browse(actorOf(ctx), { q: args.q ?? undefined, deskId: args.deskId ?? undefined }),
    services: async (_root, args: { filter?: Record<string, string | null> | null, first?: number, after?: string | null }, ctx) =>
      toConnection(await ctx.services.catalog.listServices(actorOf(ctx), { ...withoutNulls(args.filter ?? {}), limit: first(args.first), cursor: args.after ?? undefined })),
    service: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.catalog.getService(actorOf(ctx), id)),
    catalogItems: async (_root, args: { filter?: Record<string, string | null> | null, first?: number, after?: string | null }, ctx) =>
      toConnection(await ctx.services.catalog.listItems(actorOf(ctx), { ...withoutNulls(args.filter ?? {}), limit: first(args.first), cursor: args.after ?? undefined })),
    catalogItem: async (_root, { id }: { id: string }, ctx) => nullIfMissing(ctx.services.catalog.getItem(actorOf(ctx), id))
  },
  Mutation: {
    createService: async (_root, { input }: { input: CreateService }, ctx) =>
      ctx.services.catalog.createService(actorOf(ctx), { ...withoutNulls(input), ...(input.eligibility == null ? {} : { eligibility: withoutNullsDeep(input.eligibility) }) }),
    updateService: async (_root, { id, input }: { id: string, input: UpdateService }, ctx) =>
      ctx.services.catalog.updateService(actorOf(ctx), id, { ...withoutNulls(input, CLEARABLE), ...(input.eligibility == null ? {} : { eligibility: withoutNullsDeep(input.eligibility) }) }),
    createCatalogItem: async (_root, { input }: { input: CreateCatalogItem }, ctx) => ctx.services.catalog.createItem(actorOf(ctx), itemInput(input)),
    updateCatalogItem: async (_root, { id, input }: { id: string, input: UpdateCatalogItem }, ctx) =>
      ctx.services.catalog.updateItem(actorOf(ctx), id, { ...withoutNulls(input, CLEARABLE), ...itemInput(input) }),
    validateCatalogItemFields: async (_root, args: { id: string, fields: Record<string, unknown>, formVersion?: number | null }, ctx) =>
      ctx.services.catalog.validate(actorOf(ctx), args.id, args.fields, args.formVersion ?? undefined)
  },
  Service: {
    items: async (service: Service, _args, ctx) =>
      (await ctx.services.catalog.listItems(actorOf(ctx), { serviceId: service.id, limit: MAX_FIRST })).data
  }
}

/** Batched relations: one statement per relation for a whole page. */
export const catalogLoaders: MercuriusLoaders<GraphQLContext> = {
  Ticket: {
    service: async (queries: Array<{ obj: { serviceId: string | null } }>, ctx) => {
      const ids = queries.map(q => q.obj.serviceId).filter((id): id is string => id !== null)
      const found = await ctx.services.catalog.findServices(actorOf(ctx), ids)
      return queries.map(q => found.find(s => s !== null && s.id === q.obj.serviceId) ?? null)
    },
    catalogItem: async (queries: Array<{ obj: { catalogItemId: string | null } }>, ctx) => {
      const ids = queries.map(q => q.obj.catalogItemId).filter((id): id is string => id !== null)
      const found = await ctx.services.catalog.findItems(actorOf(ctx), ids)
      return queries.map(q => found.find(i => i !== null && i.id === q.obj.catalogItemId) ?? null)
    }
  },
  Service: {
    desk: async (queries: Array<{ obj: Service }>, ctx) => {
      const desks = await ctx.services.desks.findMany([...new Set(queries.map(q => q.obj.deskId))])
      return queries.map(q => desks.find(d => d.id === q.obj.deskId) ?? null)
    },
    ownerTeam: async (queries: Array<{ obj: Service }>, ctx) => {
      const ids = queries.map(q => q.obj.ownerTeamId).filter((id): id is string => id !== null)
      const teams = await ctx.services.desks.findTeams(ids)
      return queries.map(q => teams.find(t => t.id === q.obj.ownerTeamId) ?? null)
    }
  },
  CatalogItem: {
    service: async (queries: Array<{ obj: CatalogItem }>, ctx) => {
      const found = await ctx.services.catalog.findServices(actorOf(ctx), queries.map(q => q.obj.serviceId))
      return found
    }
  }
}
