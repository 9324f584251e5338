import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { errorResponses, IdParams } from '../../http/schemas.js'
import { ClockExplanationSchema, CreateSlaPolicySchema, SimulateRequestSchema, SlaClockSchema, SimulateResponseSchema, SlaPolicySchema, SlaPolicyVersionSchema, UpdateSlaPolicySchema } from './schema.js'

export const slaPolicyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { sla } = app.services
  const tags = ['sla']
  const params = IdParams('policyId')
  app.post('/', { schema: { tags, summary: 'Create an SLA, OLA or UC policy (admin)', body: CreateSlaPolicySchema, response: { 201: Type.Ref(SlaPolicySchema), ...errorResponses } } },
    async (request, reply) => {
      const policy = await sla.create(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/sla-policies/${policy.id}`)
      return policy
    })
  app.get('/', { schema: { tags, summary: 'Policies in precedence order (agents)', response: { 200: Type.Object({ data: Type.Array(Type.Ref(SlaPolicySchema)) }), ...errorResponses } } },
    async (request) => ({ data: await sla.list(principalOf(request)) }))
  app.get('/:policyId', { schema: { tags, summary: 'Read a policy (agents)', params, response: { 200: Type.Ref(SlaPolicySchema), ...errorResponses } } },
    async (request) => sla.get(principalOf(request), request.params.policyId))
  app.patch('/:policyId', { schema: { tags, summary: 'Change a policy (admin); each change is a new version', params, body: UpdateSlaPolicySchema, response: { 200: Type.Ref(SlaPolicySchema), ...errorResponses } } },
    async (request) => sla.update(principalOf(request), request.params.policyId, request.body))
  app.get('/:policyId/versions', { schema: { tags, summary: 'Every version of a policy, newest first (agents)', params, response: { 200: Type.Object({ data: Type.Array(SlaPolicyVersionSchema) }), ...errorResponses } } },
    async (request) => ({ data: await sla.versions(principalOf(request), request.params.policyId) }))
}

export const slaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/simulate', {
    schema: { tags: ['sla'], operationId: 'simulateSla', summary: 'Which policies a hypothetical ticket gets, and when each falls due (agents)', body: SimulateRequestSchema, response: { 200: SimulateResponseSchema, ...errorResponses } }
  }, async (request) => app.services.sla.simulate(principalOf(request), request.body))
}

export const ticketSlaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/:ticketId/sla', {
    schema: { tags: ['sla'], summary: 'The ticket\'s service-level clocks, exact at response time (OLA and UC clocks for the desk\'s agents only)', params: IdParams('ticketId'), response: { 200: Type.Object({ data: Type.Array(Type.Ref(SlaClockSchema)) }), ...errorResponses } }
  }, async (request) => ({ data: await app.services.clocks.forTicket(principalOf(request), request.params.ticketId) }))

  app.get('/:ticketId/sla/:clockId/explain', {
    schema: {
      tags: ['sla'],
      operationId: 'explainTicketSlaClock',
      summary: 'The spans of a clock\'s current cycle that were counted, and why the others were not (calendar, holiday, pause)',
      params: Type.Object({ ticketId: Type.String({ minLength: 1 }), clockId: Type.String({ minLength: 1 }) }),
      response: { 200: ClockExplanationSchema, ...errorResponses }
    }
  }, async (request) => app.services.clocks.explain(principalOf(request), request.params.ticketId, request.params.clockId))
}
