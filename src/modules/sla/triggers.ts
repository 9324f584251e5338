/**
 * When a policy's clock starts, stops, is cancelled or is reset, as lists of conditions over
 * ticket events, and the pure choice of what one event does to one clock. A policy that omits a
 * list gets its metric's default, which is how clocks behaved before policies could say.
 */
import type { StatusCategory } from '../workflows/definition.js'
import type { Metric } from './policy.js'

export const CONDITION_KINDS = ['created', 'status', 'status_category', 'reopened', 'agent_reply', 'requester_reply', 'team_assigned'] as const
export type ConditionKind = typeof CONDITION_KINDS[number]

/**
 * One condition. `status` needs `statuses` (entered one of them), `status_category` needs
 * `categories`; `team_assigned` matches any team unless `teamIds` narrows it; the rest take no list.
 */
export interface Condition {
  on: ConditionKind
  statuses?: string[]
  categories?: StatusCategory[]
  teamIds?: string[]
}

export const TRIGGER_KEYS = ['startOn', 'stopOn', 'cancelOn', 'resetOn'] as const
export type TriggerKey = typeof TRIGGER_KEYS[number]
export type Triggers = Record<TriggerKey, Condition[]>

/** A ticket event as the triggers see it. */
export type TicketEvent =
  | { kind: 'created' }
  | { kind: 'status', status: string, category: string, fromCategory: string }
  | { kind: 'reply', by: 'agent' | 'requester' }
  | { kind: 'team', teamId: string | null }

/** What an event does to a clock; `start` on an open cycle does nothing. */
export type ClockAction = 'cancel' | 'stop' | 'reset' | 'start'

const ENDED: readonly string[] = ['resolved', 'closed']
const ended = (category: string) => ENDED.includes(category)

/** Today's behaviour per metric: start on open, stop on resolve (and on an agent's reply for responses), cancel on cancel or reject, reopen starts a new resolution cycle. */
export function defaultTriggers (metric: Metric): Triggers {
  const resolve: Condition = { on: 'status_category', categories: ['resolved', 'closed'] }
  const cancel: Condition = { on: 'status', statuses: ['cancelled', 'rejected'] }
  if (metric === 'resolution') return { startOn: [{ on: 'created' }, { on: 'reopened' }], stopOn: [resolve], cancelOn: [cancel], resetOn: [] }
  const startOn: Condition[] = metric === 'next_response' ? [{ on: 'created' }, { on: 'requester_reply' }] : [{ on: 'created' }]
  return { startOn, stopOn: [{ on: 'agent_reply' }, resolve], cancelOn: [cancel], resetOn: [] }
}

/** The triggers in force: each list the policy gives, else its metric's default. */
export function triggersOf (policy: { metric: Metric } & Partial<Triggers>): Triggers {
  const defaults = defaultTriggers(policy.metric)
  return {
    startOn: policy.startOn ?? defaults.startOn,
    stopOn: policy.stopOn ?? defaults.stopOn,
    cancelOn: policy.cancelOn ?? defaults.cancelOn,
    resetOn: policy.resetOn ?? defaults.resetOn
  }
}

/** True when the event satisfies the condition. */
export function holds (condition: Condition, event: TicketEvent): boolean {
  switch (condition.on) {
    case 'created': return event.kind === 'created'
    case 'status': return event.kind === 'status' && (condition.statuses ?? []).includes(event.status)
    case 'status_category': return event.kind === 'status' && (condition.categories ?? []).includes(event.category as StatusCategory) && event.fromCategory !== event.category
    case 'reopened': return event.kind === 'status' && ended(event.fromCategory) && !ended(event.category)
    case 'agent_reply': return event.kind === 'reply' && event.by === 'agent'
    case 'requester_reply': return event.kind === 'reply' && event.by === 'requester'
    case 'team_assigned': return event.kind === 'team' && event.teamId !== null && (condition.teamIds === undefined || condition.teamIds.length === 0 || condition.teamIds.includes(event.teamId))
  }
}

const anyHolds = (conditions: readonly Condition[], event: TicketEvent) => conditions.some(c => holds(c, event))

/**
 * What the event does to a clock whose current cycle is open or not. When several lists match,
 * cancel wins over stop, stop over reset, reset over start. Stop and cancel act on an open cycle
 * only; reset ends an open cycle and starts the next at once (on an ended cycle it starts one);
 * start begins a new cycle only when the current one has ended (or none exists yet).
 */
export function actionFor (triggers: Triggers, event: TicketEvent, isOpen: boolean): ClockAction | null {
  if (isOpen && anyHolds(triggers.cancelOn, event)) return 'cancel'
  if (isOpen && anyHolds(triggers.stopOn, event)) return 'stop'
  if (anyHolds(triggers.resetOn, event)) return isOpen ? 'reset' : 'start'
  if (!isOpen && anyHolds(triggers.startOn, event)) return 'start'
  return null
}

/** Conditions that cannot mean anything, as JSON-pointer paths under `/<key>/<index>`. */
export function validateTriggers (given: Partial<Triggers>): Array<{ path: string, message: string }> {
  const problems: Array<{ path: string, message: string }> = []
  for (const key of TRIGGER_KEYS) {
    for (const [i, c] of (given[key] ?? []).entries()) {
      const path = `/${key}/${i}`
      const needs = c.on === 'status' ? 'statuses' : c.on === 'status_category' ? 'categories' : null
      if (needs !== null && (c[needs] ?? []).length === 0) problems.push({ path: `${path}/${needs}`, message: `is required when on is ${c.on}` })
      for (const list of ['statuses', 'categories', 'teamIds'] as const) {
        const allowed = list === needs || (list === 'teamIds' && c.on === 'team_assigned')
        if (!allowed && c[list] !== undefined) problems.push({ path: `${path}/${list}`, message: `does not apply when on is ${c.on}` })
      }
    }
  }
  return problems
}
