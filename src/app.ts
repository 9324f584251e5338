import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import type { Config } from './config.js'
import { openDatabase, type Database } from './db/client.js'
import { systemClock, type Clock } from './shared/clock.js'
import { AppError } from './shared/errors.js'
import { createServices, type Services } from './services.js'
import problem, { ProblemSchema } from './http/problem.js'
import auth from './http/auth.js'
import operations from './http/operations.js'
import docs from './http/docs.js'
import graphql from './graphql/plugin.js'
import { UserSchema, MeSchema, OrganizationSchema } from './modules/users/schema.js'
import { DeskSchema, TeamSchema } from './modules/desks/schema.js'
import { CommentSchema, EventSchema, LinkSchema, TicketSchema } from './modules/tickets/schema.js'
import { ApiKeySchema } from './modules/api-keys/service.js'
import ticketRoutes from './modules/tickets/routes.js'
import ticketRelationRoutes from './modules/tickets/relation-routes.js'
import { deskRoutes, teamRoutes } from './modules/desks/routes.js'
import { meRoutes, organizationRoutes, userRoutes } from './modules/users/routes.js'
import apiKeyRoutes from './modules/api-keys/routes.js'
import calendarRoutes from './modules/calendars/routes.js'
import { CalendarSchema } from './modules/calendars/schema.js'
import { slaPolicyRoutes, slaReportRoutes, slaRoutes, ticketSlaRoutes } from './modules/sla/routes.js'
import { SlaClockSchema, SlaPolicySchema } from './modules/sla/schema.js'
import attachmentRoutes, { AttachmentSchema } from './modules/attachments/routes.js'
import { ensureDefaultWorkflows } from './modules/workflows/store.js'
import { browseRoutes, catalogItemRoutes, serviceRoutes } from './modules/catalog/routes.js'
import { CatalogItemSchema, CatalogSchema, CostSchema, EligibilitySchema, ServiceSchema } from './modules/catalog/schema.js'
import { approvalRoutes, taskRoutes, ticketFulfilmentRoutes } from './modules/fulfilment/routes.js'
import { ApprovalSchema, TaskSchema } from './modules/fulfilment/schema.js'

declare module 'fastify' {
  interface FastifyInstance { services: Services, database: Database }
}

export interface BuildOptions {
  database?: Database
  clock?: Clock
  /** Apply migrations and seed default workflows while building (the server does; scripts may not). */
  migrate?: boolean
  logger?: boolean | object
  /** Run background jobs (the SLA sweep) in this instance; every instance may. */
  jobs?: boolean
}

/** How often each instance sweeps for due SLA warnings and breaches. */
export const SLA_SWEEP_INTERVAL_MS = 1000

/** Builds the application: plugins, services and routes. Never listens. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Silent means no logger at all: not even a child logger per request.
    logger: options.logger ?? (config.logLevel === 'silent'
      ? false
      : {
          level: config.logLevel,
          redact: ['req.headers.authorization', 'req.headers.cookie']
        }),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    routerOptions: { ignoreTrailingSlash: true }
  }).withTypeProvider<TypeBoxTypeProvider>()

  const clock = options.clock ?? systemClock
  const database = options.database ?? openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    onPoolError: (err) => app.log.warn({ err }, 'idle database connection failed')
  })
  if (options.migrate !== false) {
    await database.migrate()
    await ensureDefaultWorkflows(database.db, clock.now())
  }
  app.decorate('database', database)
  app.decorate('services', createServices({ db: database.db, clock }))
  await app.register(fp(async () => {}, { name: 'services' }))
  app.addHook('onClose', async () => { if (options.database === undefined) await database.close() })
  // While shutting down, in-flight responses close their connection, so draining ends as soon
  // as they are sent instead of waiting out keep-alive.
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  // Callback-style hooks on every request: no promise to allocate and await.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })

  for (const schema of [ProblemSchema, UserSchema, MeSchema, OrganizationSchema, DeskSchema, TeamSchema, TicketSchema, CommentSchema, EventSchema, LinkSchema, ApiKeySchema, CalendarSchema, AttachmentSchema, SlaPolicySchema, SlaClockSchema,
    EligibilitySchema, CostSchema, ServiceSchema, CatalogItemSchema, CatalogSchema, ApprovalSchema, TaskSchema]) {
    app.addSchema(schema)
  }
  await app.register(problem)
  await app.register(docs)
  await app.register(cors, { origin: config.corsOrigins.length === 0 ? false : config.corsOrigins, exposedHeaders: ['etag', 'location', 'link', 'idempotent-replayed', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'x-request-id'] })
  await app.register(auth, { auth: config.auth })
  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    enableDraftSpec: true,
    keyGenerator: (request) => request.principal?.userId ?? request.ip,
    errorResponseBuilder: (_request, context) => Object.assign(new AppError('RATE_LIMITED', `At most ${context.max} requests per minute; retry in ${context.after}`), { statusCode: 429, retryAfter: Math.ceil(context.ttl / 1000) })
  })
  await app.register(operations, { database })

  await app.register(async (v1) => {
    await v1.register(ticketRoutes, { prefix: '/tickets' })
    await v1.register(ticketRelationRoutes, { prefix: '/tickets' })
    await v1.register(deskRoutes, { prefix: '/desks' })
    await v1.register(teamRoutes, { prefix: '/teams' })
    await v1.register(meRoutes, { prefix: '/me' })
    await v1.register(userRoutes, { prefix: '/users' })
    await v1.register(organizationRoutes, { prefix: '/organizations' })
    await v1.register(apiKeyRoutes, { prefix: '/api-keys' })
    await v1.register(calendarRoutes, { prefix: '/calendars' })
    await v1.register(slaPolicyRoutes, { prefix: '/sla-policies' })
    await v1.register(slaRoutes, { prefix: '/sla' })
    await v1.register(slaReportRoutes, { prefix: '/reports' })
    await v1.register(ticketSlaRoutes, { prefix: '/tickets' })
    await v1.register(serviceRoutes, { prefix: '/services' })
    await v1.register(catalogItemRoutes, { prefix: '/catalog-items' })
    await v1.register(browseRoutes, { prefix: '/catalog' })
    await v1.register(attachmentRoutes, { maxBytes: config.attachmentMaxBytes })
    await v1.register(ticketFulfilmentRoutes, { prefix: '/tickets' })
    await v1.register(approvalRoutes, { prefix: '/approvals' })
    await v1.register(taskRoutes, { prefix: '/tasks' })
  }, { prefix: '/v1' })
  await app.register(graphql)
  if (options.jobs === true) startSweeps(app)
  return app
}

/** Sweeps on an interval; several instances sweep the same database safely (see clocks.sweep). */
function startSweeps (app: FastifyInstance) {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    app.services.clocks.sweep()
      .catch((err: unknown) => app.log.warn({ err }, 'sla sweep failed'))
      .finally(() => { running = false })
  }, SLA_SWEEP_INTERVAL_MS)
  timer.unref()
  app.addHook('onClose', async () => { clearInterval(timer) })
}
