import fp from 'fastify-plugin'
import { Type } from '@sinclair/typebox'
import client from 'prom-client'
import type { Database } from '../db/client.js'

/** /healthz, /readyz and /metrics: public, unthrottled, outside the API's auth. */
export default fp<{ database: Database }>(async (app, { database }) => {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry })
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  // One labelled child per method, route and status, kept: observing it skips hashing the labels.
  const series = new Map<string, client.Histogram.Internal<'method' | 'route' | 'status'>>()
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${request.method} ${reply.statusCode} ${route}`
    let child = series.get(key)
    if (child === undefined) {
      child = duration.labels({ method: request.method, route, status: String(reply.statusCode) })
      series.set(key, child)
    }
    child.observe(reply.elapsedTime / 1000)
    done()
  })

  const config = { public: true, rateLimit: false }
  const hide = { hide: true }
  app.get('/healthz', { config, schema: { ...hide, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }))
  app.get('/readyz', { config, schema: hide }, async (_request, reply) => {
    try {
      const { applied, shipped } = await database.migrationState()
      if (applied < shipped) return reply.code(503).type('application/problem+json').send({ type: 'about:blank', title: 'Not ready', status: 503, detail: `${shipped - applied} migrations pending` })
      await database.ping()
      return { status: 'ready', database: database.kind, migrations: applied }
    } catch {
      reply.header('retry-after', '5')
      return reply.code(503).type('application/problem+json').send({ type: 'about:blank', title: 'Not ready', status: 503, detail: 'The database is unreachable' })
    }
  })
  app.get('/metrics', { config, schema: hide }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}, { name: 'operations' })
