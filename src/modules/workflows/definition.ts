/** Workflows are data: states with a category, and the transitions between them with their guards. */
export const TICKET_TYPES = ['incident', 'service_request', 'problem', 'change'] as const
export type TicketType = typeof TICKET_TYPES[number]

export const STATUS_CATEGORIES = ['new', 'open', 'pending', 'resolved', 'closed'] as const
export type StatusCategory = typeof STATUS_CATEGORIES[number]

export const RESOLUTIONS = ['fixed', 'workaround', 'duplicate', 'no_fault_found', 'cancelled_by_requester'] as const
export type Resolution = typeof RESOLUTIONS[number]

/** What a transition needs in its request, beyond the target. */
export type Requirement = 'resolution' | 'comment'

/**
 * Who may take a transition: `agent` means agents of the ticket's desk and admins;
 * `requester` means the ticket's own requester (or a participant acting for them).
 */
export type TransitionActor = 'agent' | 'requester'

export interface WorkflowState { key: string, category: StatusCategory }
export interface WorkflowTransition {
  from: string[]
  to: string
  actors: TransitionActor[]
  requires?: Requirement[]
}
export interface WorkflowDefinition {
  initial: string
  states: WorkflowState[]
  transitions: WorkflowTransition[]
}

const agent: TransitionActor[] = ['agent']
const anyone: TransitionActor[] = ['agent', 'requester']

export const DEFAULT_WORKFLOWS: Record<TicketType, WorkflowDefinition> = {
  incident: {
    initial: 'new',
    states: [
      { key: 'new', category: 'new' },
      { key: 'in_progress', category: 'open' },
      { key: 'pending', category: 'pending' },
      { key: 'resolved', category: 'resolved' },
      { key: 'closed', category: 'closed' },
      { key: 'cancelled', category: 'closed' }
    ],
    transitions: [
      { from: ['new', 'pending'], to: 'in_progress', actors: agent },
      { from: ['in_progress'], to: 'pending', actors: agent },
      { from: ['new', 'in_progress', 'pending'], to: 'resolved', actors: agent, requires: ['resolution'] },
      { from: ['resolved'], to: 'in_progress', actors: anyone },
      { from: ['resolved'], to: 'closed', actors: agent },
      { from: ['new'], to: 'cancelled', actors: anyone },
      { from: ['in_progress', 'pending'], to: 'cancelled', actors: agent }
    ]
  },
  service_request: {
    initial: 'new',
    states: [
      { key: 'new', category: 'new' },
      { key: 'awaiting_approval', category: 'pending' },
      { key: 'in_progress', category: 'open' },
      { key: 'pending', category: 'pending' },
      { key: 'resolved', category: 'resolved' },
      { key: 'closed', category: 'closed' },
      { key: 'rejected', category: 'closed' },
      { key: 'cancelled', category: 'closed' }
    ],
    transitions: [
      { from: ['new'], to: 'awaiting_approval', actors: agent },
      { from: ['new', 'awaiting_approval', 'pending'], to: 'in_progress', actors: agent },
      { from: ['awaiting_approval'], to: 'rejected', actors: agent, requires: ['comment'] },
      { from: ['in_progress'], to: 'pending', actors: agent },
      { from: ['in_progress', 'pending'], to: 'resolved', actors: agent, requires: ['resolution'] },
      { from: ['resolved'], to: 'in_progress', actors: anyone },
      { from: ['resolved'], to: 'closed', actors: agent },
      { from: ['new'], to: 'cancelled', actors: anyone },
      { from: ['awaiting_approval', 'in_progress', 'pending'], to: 'cancelled', actors: agent }
    ]
  },
  problem: {
    initial: 'new',
    states: [
      { key: 'new', category: 'new' },
      { key: 'investigating', category: 'open' },
      { key: 'known_error', category: 'open' },
      { key: 'resolved', category: 'resolved' },
      { key: 'closed', category: 'closed' }
    ],
    transitions: [
      { from: ['new'], to: 'investigating', actors: agent },
      { from: ['investigating'], to: 'known_error', actors: agent, requires: ['comment'] },
      { from: ['investigating', 'known_error'], to: 'resolved', actors: agent, requires: ['resolution'] },
      { from: ['resolved'], to: 'investigating', actors: agent },
      { from: ['resolved'], to: 'closed', actors: agent }
    ]
  },
  change: {
    initial: 'draft',
    states: [
      { key: 'draft', category: 'new' },
      { key: 'assessment', category: 'open' },
      { key: 'awaiting_approval', category: 'pending' },
      { key: 'scheduled', category: 'open' },
      { key: 'implementing', category: 'open' },
      { key: 'review', category: 'open' },
      { key: 'closed', category: 'closed' },
      { key: 'rejected', category: 'closed' },
      { key: 'cancelled', category: 'closed' }
    ],
    transitions: [
      { from: ['draft'], to: 'assessment', actors: agent },
      { from: ['assessment'], to: 'awaiting_approval', actors: agent },
      { from: ['awaiting_approval'], to: 'scheduled', actors: agent },
      { from: ['awaiting_approval'], to: 'rejected', actors: agent, requires: ['comment'] },
      { from: ['scheduled'], to: 'implementing', actors: agent },
      { from: ['implementing'], to: 'review', actors: agent },
      { from: ['review'], to: 'closed', actors: agent, requires: ['comment'] },
      { from: ['draft', 'assessment', 'awaiting_approval', 'scheduled'], to: 'cancelled', actors: agent }
    ]
  }
}
