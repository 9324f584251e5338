import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { errorResponses, IdParams } from '../../http/schemas.js'
import { ClockExplanationSchema, ComplianceQuerySchema, ComplianceReportSchema, CreateSlaPolicySchema, RecalculateRequestSchema, RecalculateResponseSchema, SimulateRequestSchema, SlaClockSchema, SimulateResponseSchema, SlaPolicySchema, SlaPolicyVersionSchema, UpdateSlaPolicySchema } from './schema.js'

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

  app.post('/recalculate', {
    schema: {
      tags: ['sla'],
      operationId: 'recalculateSla',
      summary: 'Recompute open clocks after a policy or calendar change (admin)',
      description: 'Replays the current cycle of each open clock (of the given tickets and policies; at most 1000 per call) over the ticket\'s timeline ' +
        'under its policy\'s current version and calendar: the goal follows the priority at each instant, pauses follow the statuses under the current ' +
        'pauseOn. The clock keeps its cycle start, completed cycles and the warnings and breach it already fired this cycle; it keeps its policy ' +
        'even if that would no longer apply. dryRun answers the diff per clock and changes nothing; otherwise each ticket is updated in its own ' +
        'transaction and its timeline gets one sla.recalculated event per changed clock (internal for OLA and UC clocks). Agents whose reply stopped a ' +
        'response clock are recognised by their current desk membership. GET …/sla reads calendars live, while the instants kept for list filters, ' +
        'sorting and the breach sweep are computed when a clock changes: after a calendar change they follow once this runs, and before.dueAt of a ' +
        'running clock is that stored instant.',
      body: RecalculateRequestSchema,
      response: { 200: RecalculateResponseSchema, ...errorResponses }
    }
  }, async (request) => app.services.slaRecalculation.recalculate(principalOf(request), request.body))
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

export const slaReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/sla-compliance', {
    schema: {
      tags: ['sla'],
      operationId: 'slaCompliance',
      summary: 'Met and breached clock cycles that ended in [from, to), per group (agents: their desks\' tickets; admins: all)',
      description: 'Counts every clock cycle (SLA, OLA and UC; completed cycles of reopened tickets too) that stopped at or after from and before to; ' +
        'cancelled cycles and cycles still open do not count. A cycle is breached when it stopped after its breach instant, as recorded when it stopped. ' +
        'Groups by the clock\'s policy or the ticket\'s current service, team, priority or desk; percentageMet is floored to two decimals. ' +
        'Requesters are refused (403).',
      querystring: ComplianceQuerySchema,
      response: { 200: ComplianceReportSchema, ...errorResponses }
    }
  }, async (request) => app.services.slaReports.compliance(principalOf(request), request.query))
}
