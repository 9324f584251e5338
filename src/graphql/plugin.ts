import { readFileSync } from 'node:fs'
import fp from 'fastify-plugin'
import mercurius, { type IResolvers } from 'mercurius'
import { makeExecutableSchema } from '@graphql-tools/schema'
import { GraphQLError, GraphQLScalarType, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql'
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity'
import { toProblem } from '../http/problem.js'
import { AppError, ValidationError } from '../shared/errors.js'
import { ticketLoaders, ticketResolvers } from '../modules/tickets/resolvers.js'
import { deskLoaders, deskResolvers } from '../modules/desks/resolvers.js'
import { userResolvers } from '../modules/users/resolvers.js'
import { calendarResolvers } from '../modules/calendars/resolvers.js'
import { slaResolvers } from '../modules/sla/resolvers.js'
import { catalogLoaders, catalogResolvers } from '../modules/catalog/resolvers.js'
import { fulfilmentLoaders, fulfilmentResolvers } from '../modules/fulfilment/resolvers.js'
import type { GraphQLContext } from './context.js'

export const schemaPath = new URL('../../schema.graphql', import.meta.url).pathname
export const MAX_DEPTH = 10
export const MAX_COST = 20_000

const json = new GraphQLScalarType({
  name: 'JSON',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast) => {
    const walk = (node: typeof ast): unknown => {
      switch (node.kind) {
        case Kind.STRING: case Kind.BOOLEAN: return node.value
        case Kind.INT: case Kind.FLOAT: return Number(node.value)
        case Kind.NULL: return null
        case Kind.LIST: return node.values.map(walk)
        case Kind.OBJECT: return Object.fromEntries(node.fields.map(f => [f.name.value, walk(f.value)]))
        default: throw new GraphQLError('Variables inside JSON literals are not supported')
      }
    }
    return walk(ast)
  }
})
const dateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize: (v) => v instanceof Date ? v.toISOString() : v,
  parseValue: (v) => {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new GraphQLError('DateTime must be an ISO-8601 string')
    return new Date(v).toISOString()
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value))) throw new GraphQLError('DateTime must be an ISO-8601 string')
    return new Date(ast.value).toISOString()
  }
})

/**
 * Enum values travel in UPPER_SNAKE case over GraphQL and lower snake case everywhere else;
 * mapping each enum's internal values lets resolvers speak the service layer's values.
 */
function enumValueMaps (document: DocumentNode): Record<string, Record<string, string>> {
  const maps: Record<string, Record<string, string>> = {}
  for (const def of document.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION) continue
    maps[def.name.value] = Object.fromEntries((def.values ?? []).map(v => [v.name.value, v.name.value.toLowerCase()]))
  }
  return maps
}

export function loadSchemaText (): string { return readFileSync(schemaPath, 'utf8') }

export function buildExecutableSchema (sdl = loadSchemaText()): GraphQLSchema {
  // Scalars are given as behaviour only, so their descriptions stay those of schema.graphql.
  const behaviour = (type: GraphQLScalarType) => ({ serialize: type.serialize, parseValue: type.parseValue, parseLiteral: type.parseLiteral })
  const resolvers = [enumValueMaps(parse(sdl)), { JSON: behaviour(json), DateTime: behaviour(dateTime) }, ticketResolvers, deskResolvers, userResolvers, calendarResolvers, slaResolvers, catalogResolvers, fulfilmentResolvers] as IResolvers[]
  return makeExecutableSchema({ typeDefs: sdl, resolvers: resolvers as never })
}

/** Loaders of several modules, merged type by type (two modules may add fields to one type). */
function mergeLoaders (all: Array<Record<string, Record<string, unknown>>>): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {}
  for (const loaders of all) for (const [type, fields] of Object.entries(loaders)) merged[type] = { ...merged[type], ...fields }
  return merged
}

/** Cost of a query: each list field multiplies its children by `first`, so wide nesting is refused up front. */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) =>
  typeof args.first === 'number' ? 1 + args.first * Math.max(childComplexity, 1) : undefined

function formatError (error: GraphQLError) {
  const original = error.originalError
  if (original instanceof AppError) {
    const problem = toProblem(original)
    return {
      message: original.message,
      locations: error.locations,
      path: error.path,
      extensions: {
        code: original.code,
        status: problem.status,
        type: problem.type,
        ...(original instanceof ValidationError ? { errors: original.errors } : {}),
        ...(original.details !== undefined ? { details: original.details } : {})
      }
    }
  }
  if (original !== undefined && !(original instanceof GraphQLError) && (original as { errors?: unknown }).errors === undefined) {
    const problem = toProblem(original)
    return { message: problem.status === 500 ? 'Internal server error' : problem.detail ?? problem.title, locations: error.locations, path: error.path, extensions: { code: problem.code ?? 'INTERNAL', status: problem.status } }
  }
  return { message: error.message, locations: error.locations, path: error.path, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }
}

export default fp(async (app) => {
  const schema = buildExecutableSchema()
  await app.register(mercurius, {
    schema,
    path: '/graphql',
    queryDepth: MAX_DEPTH,
    loaders: mergeLoaders([ticketLoaders, deskLoaders, catalogLoaders, fulfilmentLoaders]) as never,
    context: (request) => ({ principal: request.principal, services: app.services }) satisfies GraphQLContext,
    errorFormatter: (execution, context) => {
      // Validation failures (syntax, depth) arrive wrapped: report each inner error.
      const flat = (execution.errors ?? []).flatMap(e => {
        const inner = (e as GraphQLError).originalError as { errors?: unknown } | undefined
        return !(inner instanceof AppError) && Array.isArray(inner?.errors) ? inner.errors.map(x => x instanceof GraphQLError ? x : new GraphQLError((x as Error).message)) : [e as GraphQLError]
      })
      const errors = flat.map(formatError)
      for (const e of errors) if (e.extensions.status === 500) context.reply.log.error({ err: (execution.errors ?? [])[0] }, 'graphql resolver failed')
      const hasData = 'data' in execution && execution.data !== undefined
      const unauthenticated = errors.some(e => e.extensions.code === 'UNAUTHENTICATED')
      return { statusCode: unauthenticated && !hasData ? 401 : hasData ? 200 : 400, response: { data: hasData ? execution.data ?? null : null, errors } } as never
    }
  })
  app.graphql.addHook('preExecution', async (gqlSchema, document, context, variables) => {
    const cost = getComplexity({ schema: gqlSchema, query: document, variables: variables ?? {}, estimators: [connectionEstimator, simpleEstimator({ defaultComplexity: 1 })] })
    if (cost > MAX_COST) {
      context.reply.code(400)
      throw new GraphQLError(`Query cost ${cost} exceeds the limit of ${MAX_COST}; ask for fewer items or less nesting`, { extensions: { code: 'QUERY_TOO_COSTLY', cost, limit: MAX_COST } })
    }
  })
}, { name: 'graphql', dependencies: ['services', 'auth'] })
