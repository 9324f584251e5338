import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuery, PageOf, Uuid } from '../../http/schemas.js'
import {
  CatalogItemSchema, CatalogSchema, CreateCatalogItemSchema, CreateServiceSchema, ItemKindSchema, LifecycleChangeSchema,
  LifecycleSchema, ServiceSchema, UpdateCatalogItemSchema, UpdateServiceSchema, ValidateAnswersSchema, ValidationResultSchema
} from './schema.js'

const Text = Type.String({ minLength: 1, maxLength: 200, description: 'Words that must all appear (case-insensitive)' })

export const serviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.services
  const tags = ['catalogue']
  const params = IdParams('serviceId')

  app.post('/', { schema: { tags, summary: 'Create a service (admin); lifecycle defaults to pipeline', body: CreateServiceSchema, response: { 201: Type.Ref(ServiceSchema), ...errorResponses } } },
    async (request, reply) => {
      const service = await catalog.createService(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/services/${service.id}`)
      return service
    })
  app.get('/', {
    schema: {
      tags,
      summary: 'List services',
      description: 'Requesters see live services they are eligible for; agents also every service of their desks; admins all.',
      querystring: Type.Object({
        ...ListQuery,
        deskId: Type.Optional(Type.String({ minLength: 1, description: 'Desk id or key' })),
        lifecycle: Type.Optional(LifecycleSchema),
        category: Type.Optional(Type.String({ minLength: 1 })),
        q: Type.Optional(Text)
      }, { additionalProperties: false }),
      response: { 200: PageOf(Type.Ref(ServiceSchema), 'Service'), ...errorResponses }
    }
  }, async (request, reply) => withNextLink(request, reply, await catalog.listServices(principalOf(request), { ...request.query, limit: request.query.limit ?? 50 })))
  app.get('/:serviceId', { schema: { tags, summary: 'Read a service', params, response: { 200: Type.Ref(ServiceSchema), ...errorResponses } } },
    async (request) => catalog.getService(principalOf(request), request.params.serviceId))
  app.patch('/:serviceId', {
    schema: {
      tags,
      summary: 'Change a service (admin)',
      description: 'Lifecycle moves pipeline → live | retired, live → retired, retired → live; any other move answers 409 with the allowed ones. Each move is recorded.',
      params,
      body: UpdateServiceSchema,
      response: { 200: Type.Ref(ServiceSchema), ...errorResponses }
    }
  }, async (request) => catalog.updateService(principalOf(request), request.params.serviceId, request.body))
  app.get('/:serviceId/lifecycle', { schema: { tags, summary: 'The lifecycle changes of a service, oldest first (admins and the desk\'s agents)', params, response: { 200: Type.Object({ data: Type.Array(LifecycleChangeSchema) }), ...errorResponses } } },
    async (request) => ({ data: await catalog.lifecycleHistory(principalOf(request), request.params.serviceId) }))
}

export const catalogItemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.services
  const tags = ['catalogue']
  const params = IdParams('itemId')

  app.post('/', { schema: { tags, summary: 'Create a catalogue item under a service (admin)', body: CreateCatalogItemSchema, response: { 201: Type.Ref(CatalogItemSchema), ...errorResponses } } },
    async (request, reply) => {
      const item = await catalog.createItem(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/catalog-items/${item.id}`)
      return item
    })
  app.get('/', {
    schema: {
      tags,
      summary: 'List catalogue items the caller may see',
      querystring: Type.Object({
        ...ListQuery,
        serviceId: Type.Optional(Uuid),
        deskId: Type.Optional(Type.String({ minLength: 1, description: 'Desk id or key' })),
        kind: Type.Optional(ItemKindSchema),
        q: Type.Optional(Text)
      }, { additionalProperties: false }),
      response: { 200: PageOf(Type.Ref(CatalogItemSchema), 'CatalogItem'), ...errorResponses }
    }
  }, async (request, reply) => withNextLink(request, reply, await catalog.listItems(principalOf(request), { ...request.query, limit: request.query.limit ?? 50 })))
  app.get('/:itemId', { schema: { tags, summary: 'Read a catalogue item with its current form', params, response: { 200: Type.Ref(CatalogItemSchema), ...errorResponses } } },
    async (request) => catalog.getItem(principalOf(request), request.params.itemId))
  app.patch('/:itemId', {
    schema: { tags, summary: 'Change a catalogue item (admin); a new form becomes a new form version', params, body: UpdateCatalogItemSchema, response: { 200: Type.Ref(CatalogItemSchema), ...errorResponses } }
  }, async (request) => catalog.updateItem(principalOf(request), request.params.itemId, request.body))
  app.get('/:itemId/forms/:version', {
    schema: {
      tags,
      summary: 'One version of an item\'s form (tickets keep the version they were created with)',
      params: Type.Object({ itemId: Type.String({ minLength: 1, maxLength: 200 }), version: Type.Integer({ minimum: 1 }) }),
      response: { 200: Type.Object({ formVersion: Type.Integer(), form: Type.Record(Type.String(), Type.Unknown()) }), ...errorResponses }
    }
  }, async (request) => catalog.getForm(principalOf(request), request.params.itemId, request.params.version))
  app.post('/:itemId/validate', {
    schema: {
      tags,
      summary: 'Check draft answers against the item\'s form',
      description: 'Answers 200 whether or not the answers are valid: `errors` are exactly those a ticket create would answer (paths under /fields), and `fields` shows the defaults the form would add. Nothing is stored.',
      params,
      body: ValidateAnswersSchema,
      response: { 200: ValidationResultSchema, ...errorResponses }
    }
  }, async (request, reply) => {
    reply.code(200)
    return catalog.validate(principalOf(request), request.params.itemId, request.body.fields, request.body.formVersion)
  })
}

export const browseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { catalog } = app.services
  app.get('/', {
    schema: {
      tags: ['catalogue'],
      summary: 'Browse what the caller may request: desks → categories → services → items',
      description: 'Only live services and active items the caller is eligible for. `q` keeps services whose name, description or categories contain every word (with all their items) and items that do.',
      querystring: Type.Object({ q: Type.Optional(Text), deskId: Type.Optional(Type.String({ minLength: 1, description: 'Desk id or key' })) }, { additionalProperties: false }),
      response: { 200: Type.Ref(CatalogSchema), 304: Type.Null({ description: 'Not modified: the ETag sent in If-None-Match is current' }), ...errorResponses }
    }
  }, async (request, reply) => {
    const { json, gzip, etag } = await catalog.browseJson(principalOf(request), request.query)
    reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'accept-encoding')
    if (request.headers['if-none-match'] === etag) return reply.code(304).send(null)
    // Rendered once per catalogue revision and caller profile: sent as it is, never serialized again.
    reply.type('application/json; charset=utf-8')
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(gzip as never)
    return reply.send(json as never)
  })
}
