import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { principalOf } from '../../http/auth.js'
import { etagOf, expectedVersionOf, idempotencyOf } from '../../http/idempotency.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuerySchema, PageOf } from '../../http/schemas.js'
import { parseShape, shapeTickets, withSla } from '../../http/shape.js'
import type { CommandResult } from '../idempotency/run.js'
import {
  AvailableTransitionSchema, CommentSchema, CreateCommentSchema, CreateTicketSchema, EventSchema, GetTicketQuerySchema,
  ListTicketsQuerySchema, TicketSchema, TransitionRequestSchema, UpdateTicketSchema, type Ticket
} from './schema.js'
import { listRequestFromQuery } from './service.js'
import { ByteWriter } from '../../shared/byte-writer.js'
import type { ClockJsonWriter } from '../sla/clocks.js'

const TicketParams = IdParams('ticketId')
const tags = ['tickets']

const SLA_OPEN = Buffer.from(',"sla":[')
const SLA_CLOSE = Buffer.from(']}')

/** A ticket's JSON written without `sla`, then `sla` appended as its last field by the clocks' writer. */
function ticketWithClocks (ticketJson: string, writeClocks: ClockJsonWriter): Buffer {
  const out = new ByteWriter(ticketJson.length + 2048)
  out.utf8(ticketJson.slice(0, -1))
  out.bytes(SLA_OPEN)
  writeClocks(out)
  out.bytes(SLA_CLOSE)
  return out.result()
}

/** 201 + Location for a new resource; a replayed idempotent POST says so in a header. */
export function created<T extends { id: string }> (reply: FastifyReply, result: CommandResult<T>, location: string): T {
  reply.code(201).header('location', location)
  if (result.replayed) reply.header('idempotent-replayed', 'true')
  return result.value
}

const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tickets } = app.services
  const sendTicket = (reply: FastifyReply, ticket: Ticket) => { reply.header('etag', etagOf(ticket.version)); return ticket }

  app.post('/', {
    schema: { tags, summary: 'Open a ticket', body: CreateTicketSchema, response: { 201: Type.Ref(TicketSchema), ...errorResponses } }
  }, async (request, reply) => {
    const result = await tickets.create(principalOf(request), request.body, { idempotency: idempotencyOf(request) })
    reply.header('etag', etagOf(result.value.version))
    return created(reply, result, `/v1/tickets/${result.value.id}`)
  })

  app.get('/', {
    schema: { tags, summary: 'List and search tickets', querystring: ListTicketsQuerySchema, response: { 200: PageOf(Type.Ref(TicketSchema), 'Ticket'), ...errorResponses } }
  }, async (request, reply) => {
    const shape = parseShape(request.query)
    const page = await tickets.list(principalOf(request), listRequestFromQuery(request.query))
    if (shape.fields !== undefined) reply.serializer(JSON.stringify)
    return withNextLink(request, reply, { ...page, data: await shapeTickets(app.services, principalOf(request), page.data, shape) as Ticket[] })
  })

  app.get('/:ticketId', {
    schema: { tags, summary: 'Read a ticket by id or key', params: TicketParams, querystring: GetTicketQuerySchema, response: { 200: Type.Ref(TicketSchema), ...errorResponses } }
  }, async (request, reply) => {
    const shape = withSla(parseShape(request.query))
    const actor = principalOf(request)
    const others = { ...shape, expand: shape.expand.filter(e => e !== 'sla') }
    if (shape.expand.includes('sla') && shape.fields === undefined) {
      // The whole ticket: the route's serializer writes it without sla, then the clocks are
      // appended from the ticket's kept clock set (../sla/clock-json-sets.ts), or clock by clock
      // when there is none. sla is the schema's last field, so these are the bytes the serializer
      // would write.
      const read = await app.services.clocks.readTicketAsJson(actor, request.params.ticketId)
      const [shaped] = await shapeTickets(app.services, actor, [read.ticket], others)
      const serialize = reply.getSerializationFunction('200')!
      reply.header('etag', etagOf(read.ticket.version)).type('application/json; charset=utf-8')
      // Bytes with a JSON content type are sent as they are; they are the JSON of a Ticket.
      return reply.send(ticketWithClocks(serialize(shaped!), read.sla) as unknown as Ticket)
    }
    // The clocks come in the same statement as the ticket; other expansions are looked up after.
    let ticket: Ticket
    if (shape.expand.includes('sla')) {
      const read = await app.services.clocks.readTicket(actor, request.params.ticketId)
      ticket = read.ticket
      ticket.sla = read.sla
    } else {
      ticket = await tickets.get(actor, request.params.ticketId)
    }
    if (shape.fields !== undefined) reply.serializer(JSON.stringify)
    const [shaped] = await shapeTickets(app.services, actor, [ticket], others)
    reply.header('etag', etagOf(ticket.version))
    return shaped as Ticket
  })

  app.patch('/:ticketId', {
    schema: { tags, summary: 'Change a ticket (If-Match for optimistic concurrency)', params: TicketParams, body: UpdateTicketSchema, response: { 200: Type.Ref(TicketSchema), ...errorResponses } }
  }, async (request, reply) => sendTicket(reply, await tickets.update(principalOf(request), request.params.ticketId, request.body, {
    expectedVersion: expectedVersionOf(request)
  })))

  app.get('/:ticketId/transitions', {
    schema: { tags, summary: 'Transitions you may take now', params: TicketParams, response: { 200: Type.Object({ data: Type.Array(AvailableTransitionSchema) }), ...errorResponses } }
  }, async (request) => ({ data: await tickets.transitions(principalOf(request), request.params.ticketId) }))

  app.post('/:ticketId/transitions', {
    schema: { tags, summary: 'Move a ticket through its workflow', params: TicketParams, body: TransitionRequestSchema, response: { 200: Type.Ref(TicketSchema), ...errorResponses } }
  }, async (request, reply) => {
    const result = await tickets.transition(principalOf(request), request.params.ticketId, request.body, {
      idempotency: idempotencyOf(request), expectedVersion: expectedVersionOf(request)
    })
    if (result.replayed) reply.header('idempotent-replayed', 'true')
    return sendTicket(reply, result.value)
  })

  const { conversation } = app.services
  app.get('/:ticketId/comments', {
    schema: { tags, summary: 'Comments you may see, oldest first', params: TicketParams, querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(CommentSchema), 'Comment'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await conversation.comments(principalOf(request), request.params.ticketId, request.query.limit ?? 50, request.query.cursor)))

  app.post('/:ticketId/comments', {
    schema: { tags, summary: 'Comment publicly or add an internal note', params: TicketParams, body: CreateCommentSchema, response: { 201: Type.Ref(CommentSchema), ...errorResponses } }
  }, async (request, reply) => {
    const result = await conversation.addComment(principalOf(request), request.params.ticketId, request.body, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/tickets/${result.value.ticketId}/comments/${result.value.id}`)
  })

  app.get('/:ticketId/events', {
    schema: { tags, summary: 'The ticket\'s timeline, oldest first', params: TicketParams, querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(EventSchema), 'TicketEvent'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await conversation.events(principalOf(request), request.params.ticketId, request.query.limit ?? 50, request.query.cursor)))
}
export default ticketRoutes
