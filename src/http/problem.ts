import fp from 'fastify-plugin'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ValidationError, type ErrorCode, type FieldError } from '../shared/errors.js'
import { isDatabaseUnavailable } from '../db/errors.js'

export const PROBLEM_BASE = 'https://docket.dev/problems/'

const table: Record<ErrorCode, { status: number, title: string }> = {
  NOT_FOUND: { status: 404, title: 'Not found' },
  TICKET_NOT_FOUND: { status: 404, title: 'Ticket not found' },
  DESK_NOT_FOUND: { status: 404, title: 'Desk not found' },
  TEAM_NOT_FOUND: { status: 404, title: 'Team not found' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  ORGANIZATION_NOT_FOUND: { status: 404, title: 'Organization not found' },
  SERVICE_NOT_FOUND: { status: 404, title: 'Service not found' },
  CATALOG_ITEM_NOT_FOUND: { status: 404, title: 'Catalogue item not found' },
  SERVICE_INVALID_LIFECYCLE: { status: 409, title: 'Lifecycle change not allowed' },
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  COMMENT_NOT_FOUND: { status: 404, title: 'Comment not found' },
  ATTACHMENT_NOT_FOUND: { status: 404, title: 'Attachment not found' },
  LINK_NOT_FOUND: { status: 404, title: 'Link not found' },
  APPROVAL_NOT_FOUND: { status: 404, title: 'Approval not found' },
  TASK_NOT_FOUND: { status: 404, title: 'Task not found' },
  VALIDATION_FAILED: { status: 400, title: 'Invalid request' },
  FIELD_NOT_WRITABLE: { status: 400, title: 'Field not writable' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  INVALID_FILTER: { status: 400, title: 'Invalid filter' },
  UNAUTHENTICATED: { status: 401, title: 'Unauthenticated' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  TICKET_INVALID_TRANSITION: { status: 409, title: 'Transition not allowed' },
  TICKET_TRANSITION_REQUIREMENT: { status: 400, title: 'Transition requirement missing' },
  CONFLICT: { status: 409, title: 'Conflict' },
  DESK_KEY_TAKEN: { status: 409, title: 'Desk key already in use' },
  LINK_EXISTS: { status: 409, title: 'Link already exists' },
  APPROVAL_PENDING: { status: 409, title: 'An approval is already pending on this ticket' },
  APPROVAL_CLOSED: { status: 409, title: 'The approval is already decided' },
  APPROVAL_ALREADY_DECIDED: { status: 409, title: 'You have already decided this approval' },
  TASK_INVALID_STATUS: { status: 409, title: 'Task status change not allowed' },
  VERSION_MISMATCH: { status: 412, title: 'Precondition failed' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Precondition required' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused with a different request' },
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, title: 'A request with this idempotency key is in progress' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'Service unavailable' }
}

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  details: Type.Optional(Type.Object({}, { additionalProperties: true }))
}, { $id: 'Problem', description: 'RFC 9457 problem details' })
export type Problem = Static<typeof ProblemSchema>

export function statusOf (code: ErrorCode): number { return table[code].status }

const slug = (code: string) => code.toLowerCase().replace(/_/g, '-')

/** Maps any error to the problem a caller may see: no stack traces, no driver messages. */
export function toProblem (err: unknown, instance?: string): Problem {
  if (err instanceof AppError) {
    const { status, title } = table[err.code]
    const problem: Problem = { type: PROBLEM_BASE + slug(err.code), title, status, detail: err.message, code: err.code }
    if (instance !== undefined) problem.instance = instance
    if (err instanceof ValidationError) problem.errors = err.errors
    if (err.details !== undefined) problem.details = err.details
    return problem
  }
  if (isDatabaseUnavailable(err)) {
    return toProblem(new AppError('DATABASE_UNAVAILABLE', 'The database is unreachable; retry shortly'), instance)
  }
  const fe = err as Partial<FastifyError> & { validation?: Array<{ instancePath: string, message?: string, params?: Record<string, unknown>, keyword: string }>, validationContext?: string }
  if (Array.isArray(fe.validation)) {
    const errors: FieldError[] = fe.validation.map(v => {
      const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty) : v.keyword === 'required' ? String(v.params?.missingProperty) : undefined
      const path = (fe.validationContext === 'body' ? '' : `/${fe.validationContext ?? ''}`) + v.instancePath + (extra !== undefined ? `/${extra}` : '')
      const message = v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'is invalid')
      return { path: path === '' ? '/' : path, message }
    })
    return { type: PROBLEM_BASE + 'validation-failed', title: 'Invalid request', status: 400, detail: errors.map(e => `${e.path} ${e.message}`).join('; '), code: 'VALIDATION_FAILED', errors, ...(instance !== undefined ? { instance } : {}) }
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500
  if (status === 413) return toProblem(new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than allowed'), instance)
  if (status === 415) return toProblem(new AppError('UNSUPPORTED_MEDIA_TYPE', fe.message ?? 'Unsupported media type'), instance)
  if (status === 500) return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred', ...(instance !== undefined ? { instance } : {}) }
  return { type: 'about:blank', title: 'Bad request', status, detail: fe.message ?? 'Bad request', ...(instance !== undefined ? { instance } : {}) }
}

export function sendProblem (reply: FastifyReply, problem: Problem) {
  if (problem.status === 503) reply.header('retry-after', '5')
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/** Root error and not-found handlers: every failure leaves as application/problem+json. */
export default fp(async (app) => {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(err, request.url)
    if (problem.status >= 500) request.log.error({ err }, 'request failed')
    if (problem.status === 429) {
      const retry = (err as { retryAfter?: number }).retryAfter
      if (retry !== undefined) reply.header('retry-after', String(retry))
    }
    return sendProblem(reply, problem)
  })
  app.setNotFoundHandler((request, reply) => sendProblem(reply, {
    type: PROBLEM_BASE + 'not-found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url.split('?')[0]}`, code: 'NOT_FOUND', instance: request.url
  }))
}, { name: 'problem' })
