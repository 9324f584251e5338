import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { stringify } from 'yaml'

const pascal = (segment: string) => segment.split('-').map(w => w.charAt(0).toUpperCase() + w.slice(1)).join('')
const singular = (segment: string) => segment.endsWith('ies') ? segment.slice(0, -3) + 'y' : segment.replace(/s$/, '')
const verbs: Record<string, [string, string]> = { GET: ['list', 'get'], POST: ['create', 'create'], PATCH: ['update', 'update'], PUT: ['replace', 'replace'], DELETE: ['delete', 'delete'] }

/** `GET /v1/tickets/:ticketId/comments` → `listTicketComments`: stable names for generated clients. */
export function operationIdFor (method: string, url: string): string {
  const segments = url.replace(/^\/v1\//, '').split('/').filter(Boolean)
  const endsOnItem = segments[segments.length - 1]?.startsWith(':') ?? false
  const nouns = segments.filter(s => !s.startsWith(':'))
  const [collectionVerb, itemVerb] = verbs[method] ?? [method.toLowerCase(), method.toLowerCase()]
  const isCollectionRead = method === 'GET' && !endsOnItem
  const words = nouns.map((n, i) => i === nouns.length - 1 && isCollectionRead ? pascal(n) : pascal(singular(n)))
  return (isCollectionRead ? collectionVerb : itemVerb) + words.join('')
}

/** OpenAPI 3.1 generated from the route schemas; served as JSON, YAML and an interactive reference. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Docket API',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        version: '1.0.0',
        description: 'Headless service management: desks, tickets through their workflows, comments, timeline. ' +
          'Errors are RFC 9457 problem+json. Lists are cursor-paginated. POST accepts Idempotency-Key; PATCH accepts If-Match.'
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A JWT or an API key (dk_…)' } } },
      security: [{ bearer: [] }]
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => typeof json.$id === 'string' ? json.$id : `def-${i}` }
  })
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), public: true, rateLimit: false } as typeof route.config
    // GraphQL is described by schema.graphql, not by this document.
    if (route.url.startsWith('/graphql')) route.schema = { ...route.schema, hide: true }
    else if (route.url.startsWith('/v1/') && route.schema !== undefined && !('operationId' in route.schema)) {
      route.schema = { ...route.schema, operationId: operationIdFor(String(route.method), route.url) } as typeof route.schema
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true })
  const config = { public: true, rateLimit: false }
  app.get('/openapi.json', { config, schema: { hide: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { config, schema: { hide: true } }, async (_request, reply) => reply.type('application/yaml').send(stringify(app.swagger())))
}, { name: 'docs' })
