import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { errorResponses, IdParams } from '../../http/schemas.js'
import { ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema } from './service.js'

const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { apiKeys } = app.services
  const tags = ['api-keys']
  app.post('/', { schema: { tags, summary: 'Create an API key (admin); the secret is shown once', body: CreateApiKeySchema, response: { 201: CreatedApiKeySchema, ...errorResponses } } },
    async (request, reply) => {
      const key = await apiKeys.create(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/api-keys/${key.id}`)
      return key
    })
  app.get('/', { schema: { tags, summary: 'List API keys (admin)', response: { 200: Type.Object({ data: Type.Array(Type.Ref(ApiKeySchema)) }), ...errorResponses } } },
    async (request) => ({ data: await apiKeys.list(principalOf(request)) }))
  app.delete('/:apiKeyId', { schema: { tags, summary: 'Revoke an API key (admin)', params: IdParams('apiKeyId'), response: { 200: Type.Ref(ApiKeySchema), ...errorResponses } } },
    async (request) => apiKeys.revoke(principalOf(request), request.params.apiKeyId))
}
export default apiKeyRoutes
