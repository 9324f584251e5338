import type { StatusCategory, WorkflowDefinition } from '../workflows/definition.js'

/** The status the workflow lets a ticket move to from `status` whose category is `category`, if any. */
export function firstMoveInto (definition: WorkflowDefinition, status: string, category: StatusCategory): string | undefined {
  const categoryOf = new Map(definition.states.map(s => [s.key, s.category]))
  return definition.transitions.find(t => t.from.includes(status) && categoryOf.get(t.to) === category)?.to
}

/** True when the workflow has a transition from `status` to `to`. */
export const canMove = (definition: WorkflowDefinition, status: string, to: string) =>
  definition.transitions.some(t => t.from.includes(status) && t.to === to)

export const AWAITING_APPROVAL = 'awaiting_approval'
export const REJECTED = 'rejected'

/**
 * Where an approval's end takes a ticket waiting in `awaiting_approval`: approved, to the first
 * open status the workflow offers (service request: in_progress; change: scheduled); rejected,
 * to `rejected`. Undefined when the workflow has no such move.
 */
export function statusAfterApproval (definition: WorkflowDefinition, outcome: 'approved' | 'rejected'): string | undefined {
  if (outcome === 'approved') return firstMoveInto(definition, AWAITING_APPROVAL, 'open')
  return canMove(definition, AWAITING_APPROVAL, REJECTED) ? REJECTED : undefined
}
