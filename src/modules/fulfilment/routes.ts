import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { idempotencyOf } from '../../http/idempotency.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, PageOf } from '../../http/schemas.js'
import { created } from '../tickets/routes.js'
import {
  ApprovalSchema, CreateTaskSchema, DecideApprovalSchema, ListApprovalsQuerySchema, ListTasksQuerySchema, RequestApprovalSchema, TaskSchema, UpdateTaskSchema
} from './schema.js'

const TicketParams = IdParams('ticketId')

/** Approvals and tasks of one ticket, under /v1/tickets. */
export const ticketFulfilmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { approvals, tasks } = app.services.fulfilment

  app.get('/:ticketId/approvals', {
    schema: { tags: ['approvals'], summary: 'Approvals asked on a ticket, oldest first', params: TicketParams, response: { 200: Type.Object({ data: Type.Array(Type.Ref(ApprovalSchema)) }), ...errorResponses } }
  }, async (request) => ({ data: await approvals.ofTicket(principalOf(request), request.params.ticketId) }))

  app.post('/:ticketId/approvals', {
    schema: {
      tags: ['approvals'],
      summary: 'Ask for an approval (agents of the ticket\'s desk)',
      description: 'Fixes the approvers now (a team\'s members at this moment) and moves the ticket to awaiting_approval; the workflow must allow that move ' +
        '(a service request while new, a change in assessment), else 409. One approval is pending on a ticket at a time (409 APPROVAL_PENDING). ' +
        'When the policy is satisfied the ticket moves to the workflow\'s first open status (service request: in_progress, change: scheduled) and planned tasks are created; ' +
        'when it can no longer be (or at the first rejection, with rejectOn first) the ticket moves to rejected.',
      params: TicketParams,
      body: RequestApprovalSchema,
      response: { 201: Type.Ref(ApprovalSchema), ...errorResponses }
    }
  }, async (request, reply) => {
    const result = await approvals.request(principalOf(request), request.params.ticketId, request.body.policy, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/approvals/${result.value.id}`)
  })

  app.get('/:ticketId/tasks', {
    schema: { tags: ['tasks'], summary: 'Fulfilment tasks of a ticket, by order', description: 'Everyone who sees the ticket sees its tasks, so a requester can follow the progress.', params: TicketParams, response: { 200: Type.Object({ data: Type.Array(Type.Ref(TaskSchema)) }), ...errorResponses } }
  }, async (request) => ({ data: await tasks.list(principalOf(request), request.params.ticketId) }))

  app.post('/:ticketId/tasks', {
    schema: {
      tags: ['tasks'],
      summary: 'Add a fulfilment task (agents of the ticket\'s desk)',
      description: 'The task opens at once unless a task of a lower order is unfinished; then it waits as pending. Resolved and closed tickets take no tasks (409).',
      params: TicketParams,
      body: CreateTaskSchema,
      response: { 201: Type.Ref(TaskSchema), ...errorResponses }
    }
  }, async (request, reply) => {
    const result = await tasks.add(principalOf(request), request.params.ticketId, request.body, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/tasks/${result.value.id}`)
  })
}

/** /v1/approvals: the approver's side. */
export const approvalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { approvals } = app.services.fulfilment
  const tags = ['approvals']

  app.get('/', {
    schema: { tags, summary: 'Approvals you may see: as an approver, as the ticket\'s requester, or as an agent of its desk', description: '`?state=pending&approver=me` lists what waits for your decision.', querystring: ListApprovalsQuerySchema, response: { 200: PageOf(Type.Ref(ApprovalSchema), 'Approval'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await approvals.list(principalOf(request), request.query)))

  app.get('/:approvalId', {
    schema: { tags, summary: 'Read an approval', params: IdParams('approvalId'), response: { 200: Type.Ref(ApprovalSchema), ...errorResponses } }
  }, async (request) => approvals.get(principalOf(request), request.params.approvalId))

  app.post('/:approvalId/decision', {
    schema: {
      tags,
      summary: 'Approve or reject (approvers only, once each)',
      description: 'A second decision by the same approver answers 409 APPROVAL_ALREADY_DECIDED, a decision after the approval ended 409 APPROVAL_CLOSED; ' +
        'callers who see the ticket but are not approvers get 403. Concurrent decisions queue on the ticket, so the ticket moves once.',
      params: IdParams('approvalId'),
      body: DecideApprovalSchema,
      response: { 200: Type.Ref(ApprovalSchema), ...errorResponses }
    }
  }, async (request) => approvals.decide(principalOf(request), request.params.approvalId, request.body))
}

/** /v1/tasks: queues and work on tasks. */
export const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { tasks } = app.services.fulfilment
  const tags = ['tasks']

  app.get('/', {
    schema: { tags, summary: 'Task queue (agents): tasks of your desks\' teams and tasks on your desks\' tickets, oldest first', querystring: ListTasksQuerySchema, response: { 200: PageOf(Type.Ref(TaskSchema), 'Task'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await tasks.queue(principalOf(request), request.query)))

  app.get('/:taskId', {
    schema: { tags, summary: 'Read a task', params: IdParams('taskId'), response: { 200: Type.Ref(TaskSchema), ...errorResponses } }
  }, async (request) => tasks.get(principalOf(request), request.params.taskId))

  app.patch('/:taskId', {
    schema: {
      tags,
      summary: 'Assign or move a task (agents of the task team\'s desk or of the ticket\'s desk)',
      description: 'open → done | cancelled; a pending task may only be cancelled; done and cancelled are final (409 TASK_INVALID_STATUS). ' +
        'The assignee must be a member of the task\'s team. When the last task is finished and one was done, a plan with autoResolve resolves the ticket as fixed.',
      params: IdParams('taskId'),
      body: UpdateTaskSchema,
      response: { 200: Type.Ref(TaskSchema), ...errorResponses }
    }
  }, async (request) => tasks.update(principalOf(request), request.params.taskId, request.body))
}
