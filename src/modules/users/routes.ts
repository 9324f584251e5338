import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuerySchema, PageOf } from '../../http/schemas.js'
import { CreateOrganizationSchema, MeSchema, OrganizationSchema, UpdateOrganizationSchema, UpdateUserSchema, UserSchema } from './schema.js'

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { schema: { tags: ['users'], operationId: 'getMe', summary: 'Who you are', response: { 200: Type.Ref(MeSchema), ...errorResponses } } },
    async (request) => app.services.users.me(principalOf(request)))
}

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users } = app.services
  const tags = ['users']
  const params = IdParams('userId')
  app.get('/', { schema: { tags, summary: 'List users (agents)', querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(UserSchema), 'User'), ...errorResponses } } },
    async (request, reply) => withNextLink(request, reply, await users.list(principalOf(request), request.query.limit ?? 50, request.query.cursor)))
  app.get('/:userId', { schema: { tags, summary: 'Read a user (agents; anyone for themself)', params, response: { 200: Type.Ref(UserSchema), ...errorResponses } } },
    async (request) => users.get(principalOf(request), request.params.userId))
  app.patch('/:userId', { schema: { tags, summary: 'Set a user\'s organisation, manager, department, location (admin)', params, body: UpdateUserSchema, response: { 200: Type.Ref(UserSchema), ...errorResponses } } },
    async (request) => users.update(principalOf(request), request.params.userId, request.body))
}

export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users } = app.services
  const tags = ['organizations']
  app.post('/', { schema: { tags, summary: 'Create an organisation (admin)', body: CreateOrganizationSchema, response: { 201: Type.Ref(OrganizationSchema), ...errorResponses } } },
    async (request, reply) => {
      const org = await users.createOrganization(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/organizations/${org.id}`)
      return org
    })
  app.get('/', { schema: { tags, summary: 'List organisations (agents)', querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(OrganizationSchema), 'Organization'), ...errorResponses } } },
    async (request, reply) => withNextLink(request, reply, await users.listOrganizations(principalOf(request), request.query.limit ?? 50, request.query.cursor)))
  app.get('/:organizationId', { schema: { tags, summary: 'Read an organisation', params: IdParams('organizationId'), response: { 200: Type.Ref(OrganizationSchema), ...errorResponses } } },
    async (request) => users.getOrganization(principalOf(request), request.params.organizationId))
  app.patch('/:organizationId', { schema: { tags, summary: 'Rename an organisation or set its business hours (admin)', params: IdParams('organizationId'), body: UpdateOrganizationSchema, response: { 200: Type.Ref(OrganizationSchema), ...errorResponses } } },
    async (request) => users.updateOrganization(principalOf(request), request.params.organizationId, request.body))
}
