import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { stringify } from 'yaml'

/** OpenAPI 3.1 generated from the route schemas; served as JSON, YAML and an interactive reference. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Docket API',
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
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true }, staticCSP: true })
  const config = { public: true, rateLimit: false }
  app.get('/openapi.json', { config, schema: { hide: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { config, schema: { hide: true } }, async (_request, reply) => reply.type('application/yaml').send(stringify(app.swagger())))
}, { name: 'docs' })
