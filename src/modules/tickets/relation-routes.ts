import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { idempotencyOf } from '../../http/idempotency.js'
import { errorResponses, IdParams } from '../../http/schemas.js'
import { UserSchema } from '../users/schema.js'
import { AddParticipantSchema, CreateLinkSchema, LinkSchema } from './schema.js'
import { created } from './routes.js'

const tags = ['tickets']
const TicketParams = IdParams('ticketId')

/** Participants (watchers) and links between tickets. */
const ticketRelationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { conversation } = app.services

  app.get('/:ticketId/participants', {
    schema: { tags, summary: 'People taking part in a ticket besides its requester', params: TicketParams, response: { 200: Type.Object({ data: Type.Array(Type.Ref(UserSchema)) }), ...errorResponses } }
  }, async (request) => ({ data: await conversation.participants(principalOf(request), request.params.ticketId) }))

  app.post('/:ticketId/participants', {
    schema: { tags, summary: 'Add a participant, who may then see and comment on the ticket', params: TicketParams, body: AddParticipantSchema, response: { 201: Type.Ref(UserSchema), ...errorResponses } }
  }, async (request, reply) => {
    const result = await conversation.addParticipant(principalOf(request), request.params.ticketId, request.body.userId, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/tickets/${request.params.ticketId}/participants/${result.value.id}`)
  })

  app.delete('/:ticketId/participants/:userId', {
    schema: { tags, summary: 'Remove a participant', params: Type.Object({ ticketId: Type.String(), userId: Type.String() }), response: { 204: Type.Null(), ...errorResponses } }
  }, async (request, reply) => {
    await conversation.removeParticipant(principalOf(request), request.params.ticketId, request.params.userId)
    return reply.code(204).send(null)
  })

  app.get('/:ticketId/links', {
    schema: { tags, summary: 'Links from and to this ticket', params: TicketParams, response: { 200: Type.Object({ data: Type.Array(Type.Ref(LinkSchema)) }), ...errorResponses } }
  }, async (request) => ({ data: await conversation.links(principalOf(request), request.params.ticketId) }))

  app.post('/:ticketId/links', {
    schema: { tags, summary: 'Link this ticket to another (caused_by, relates_to, duplicates, blocks)', params: TicketParams, body: CreateLinkSchema, response: { 201: Type.Ref(LinkSchema), ...errorResponses } }
  }, async (request, reply) => {
    const result = await conversation.addLink(principalOf(request), request.params.ticketId, request.body, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/tickets/${result.value.ticketId}/links/${result.value.id}`)
  })

  app.delete('/:ticketId/links/:linkId', {
    schema: { tags, summary: 'Remove a link', params: Type.Object({ ticketId: Type.String(), linkId: Type.String() }), response: { 204: Type.Null(), ...errorResponses } }
  }, async (request, reply) => {
    await conversation.removeLink(principalOf(request), request.params.ticketId, request.params.linkId)
    return reply.code(204).send(null)
  })
}
export default ticketRelationRoutes
