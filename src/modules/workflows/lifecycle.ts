import { AppError, InvalidTransitionError, ValidationError } from '../../shared/errors.js'
import { RESOLUTIONS, type Requirement, type StatusCategory, type TransitionActor, type WorkflowDefinition } from './definition.js'

export interface AvailableTransition { to: string, requires: Requirement[] }

/** The state a transition acts on, and what it writes back. */
export interface LifecycleState {
  status: string
  statusCategory: StatusCategory
  resolution: string | null
  resolvedAt: Date | null
  closedAt: Date | null
}

export interface TransitionRequest { to: string, resolution?: string | undefined, comment?: string | undefined }

/** Category of a status in a workflow; throws for a status the workflow does not know. */
export function categoryOf (definition: WorkflowDefinition, status: string): StatusCategory {
  const state = definition.states.find(s => s.key === status)
  if (state === undefined) throw new AppError('CONFLICT', `Status ${status} is not part of this workflow`)
  return state.category
}

/** The transitions `actors` may take from `status`, in workflow order, one entry per target. */
export function availableTransitions (definition: WorkflowDefinition, status: string, actors: readonly TransitionActor[]): AvailableTransition[] {
  const seen = new Map<string, AvailableTransition>()
  for (const t of definition.transitions) {
    if (!t.from.includes(status) || !t.actors.some(a => actors.includes(a)) || seen.has(t.to)) continue
    seen.set(t.to, { to: t.to, requires: [...(t.requires ?? [])] })
  }
  return [...seen.values()]
}

/**
 * Applies a transition: checks it is allowed for these actors and that its requirements are met,
 * and returns the next state (resolution and timestamps follow the category entered or left).
 */
export function transition (definition: WorkflowDefinition, current: LifecycleState, request: TransitionRequest, actors: readonly TransitionActor[], now: Date): LifecycleState {
  const allowed = availableTransitions(definition, current.status, actors)
  const chosen = allowed.find(t => t.to === request.to)
  if (chosen === undefined) {
    throw new InvalidTransitionError('TICKET_INVALID_TRANSITION',
      `Cannot move from ${current.status} to ${request.to}`,
      { from: current.status, to: request.to, allowed: allowed.map(t => t.to) })
  }
  const missing = chosen.requires.filter(r => r === 'resolution' ? request.resolution === undefined : (request.comment ?? '').trim() === '')
  if (missing.length > 0) {
    throw new ValidationError(missing.map(r => ({ path: `/${r}`, message: `is required to move to ${request.to}` })), 'TICKET_TRANSITION_REQUIREMENT')
  }
  if (request.resolution !== undefined && !(RESOLUTIONS as readonly string[]).includes(request.resolution)) {
    throw new ValidationError([{ path: '/resolution', message: `must be one of ${RESOLUTIONS.join(', ')}` }])
  }
  const category = categoryOf(definition, request.to)
  const resolving = category === 'resolved'
  const keepsResolution = resolving || category === 'closed'
  return {
    status: request.to,
    statusCategory: category,
    resolution: resolving ? (request.resolution ?? null) : keepsResolution ? current.resolution : null,
    resolvedAt: resolving ? now : keepsResolution ? current.resolvedAt : null,
    closedAt: category === 'closed' ? now : null
  }
}
