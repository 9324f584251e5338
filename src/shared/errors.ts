/** Domain errors carry a stable code and no HTTP status; src/http/problem.ts maps codes to statuses. */
export type ErrorCode =
  | 'NOT_FOUND' | 'TICKET_NOT_FOUND' | 'DESK_NOT_FOUND' | 'TEAM_NOT_FOUND' | 'USER_NOT_FOUND'
  | 'SERVICE_NOT_FOUND' | 'CATALOG_ITEM_NOT_FOUND' | 'SERVICE_INVALID_LIFECYCLE'
  | 'ORGANIZATION_NOT_FOUND' | 'API_KEY_NOT_FOUND' | 'COMMENT_NOT_FOUND' | 'ATTACHMENT_NOT_FOUND' | 'LINK_NOT_FOUND'
  | 'APPROVAL_NOT_FOUND' | 'TASK_NOT_FOUND'
  | 'VALIDATION_FAILED' | 'FIELD_NOT_WRITABLE' | 'INVALID_CURSOR' | 'INVALID_FILTER'
  | 'UNAUTHENTICATED' | 'FORBIDDEN'
  | 'TICKET_INVALID_TRANSITION' | 'TICKET_TRANSITION_REQUIREMENT'
  | 'CONFLICT' | 'DESK_KEY_TAKEN' | 'LINK_EXISTS'
  | 'APPROVAL_PENDING' | 'APPROVAL_CLOSED' | 'APPROVAL_ALREADY_DECIDED' | 'TASK_INVALID_STATUS'
  | 'VERSION_MISMATCH' | 'PRECONDITION_REQUIRED'
  | 'IDEMPOTENCY_KEY_REUSED' | 'IDEMPOTENCY_KEY_IN_FLIGHT'
  | 'RATE_LIMITED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'
  | 'DATABASE_UNAVAILABLE'

export interface FieldError { path: string, message: string }

export class AppError extends Error {
  constructor (readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message)
    this.name = new.target.name
  }
}

export class NotFoundError extends AppError {}
export class ForbiddenError extends AppError {
  constructor (message = 'Your role may not do this') { super('FORBIDDEN', message) }
}
export class UnauthenticatedError extends AppError {
  constructor (message = 'A valid bearer token is required') { super('UNAUTHENTICATED', message) }
}
export class ConflictError extends AppError {}
export class InvalidTransitionError extends AppError {}
export class PreconditionFailedError extends AppError {}

/** A request that names fields it may not send or sends values that break a rule; lists every problem. */
export class ValidationError extends AppError {
  constructor (readonly errors: FieldError[], code: ErrorCode = 'VALIDATION_FAILED', message?: string) {
    super(code, message ?? errors.map(e => `${e.path}: ${e.message}`).join('; '))
  }
}
