/**
 * SLA, OLA and UC policies as plain data, and the pure rules deciding which apply to a ticket.
 * Policies are ordered; for each (kind, metric) the first policy whose `appliesTo` matches applies.
 */
import type { Priority } from '../tickets/priority.js'
import type { TicketType } from '../workflows/definition.js'
import type { Condition } from './triggers.js'

export const POLICY_KINDS = ['sla', 'ola', 'uc'] as const
export type PolicyKind = typeof POLICY_KINDS[number]
export const METRICS = ['first_response', 'next_response', 'resolution'] as const
export type Metric = typeof METRICS[number]
export const CALENDAR_SOURCES = ['policy', 'desk', 'service', 'organization'] as const
export type CalendarSource = typeof CALENDAR_SOURCES[number]

/** All keys optional and AND-ed; an empty or missing list matches anything. */
export interface AppliesTo {
  types?: TicketType[]
  priorities?: Priority[]
  deskIds?: string[]
  serviceIds?: string[]
  organizationIds?: string[]
  teamIds?: string[]
}

/** Who the promise is made to: a customer organisation (SLA), an internal team (OLA), a supplier (UC). */
export interface Counterparty {
  organizationId?: string
  teamId?: string
  name?: string
}

export interface PolicyDefinition {
  name: string
  kind: PolicyKind
  metric: Metric
  counterparty: Counterparty
  appliesTo: AppliesTo
  goalMinutes: Record<Priority, number>
  calendarSource: CalendarSource
  calendarId: string | null
  pauseOn: string[]
  warnAt: number[]
  /** Omitted lists take the metric's defaults (./triggers.ts). */
  startOn?: Condition[]
  stopOn?: Condition[]
  cancelOn?: Condition[]
  resetOn?: Condition[]
}

/** The facts about a (real or hypothetical) ticket that applicability looks at. */
export interface TicketFacts {
  type: TicketType
  priority: Priority
  deskId: string
  serviceId?: string | null
  organizationId?: string | null
  teamId?: string | null
}

const accepts = (list: readonly string[] | undefined, value: string | null | undefined) =>
  list === undefined || list.length === 0 || (value != null && list.includes(value))

/** True when every condition of `appliesTo` holds for the ticket. */
export function matches (appliesTo: AppliesTo, facts: TicketFacts): boolean {
  return accepts(appliesTo.types, facts.type) &&
    accepts(appliesTo.priorities, facts.priority) &&
    accepts(appliesTo.deskIds, facts.deskId) &&
    accepts(appliesTo.serviceIds, facts.serviceId) &&
    accepts(appliesTo.organizationIds, facts.organizationId) &&
    accepts(appliesTo.teamIds, facts.teamId)
}

/**
 * The team whose holding a ticket runs this policy's clocks: an OLA's or UC's counterparty team.
 * Null for customer SLAs (and a UC that only names its supplier), whose clocks run with the ticket.
 */
export function boundTeamOf (policy: Pick<PolicyDefinition, 'kind' | 'counterparty'>): string | null {
  return policy.kind !== 'sla' && policy.counterparty.teamId !== undefined ? policy.counterparty.teamId : null
}

type Applicable = Pick<PolicyDefinition, 'kind' | 'metric' | 'appliesTo' | 'counterparty'>

/** True when the policy applies to the ticket as it stands: `appliesTo` holds and, if team-bound, its team holds the ticket. */
export function appliesNow (policy: Applicable, facts: TicketFacts): boolean {
  const team = boundTeamOf(policy)
  return (team === null || team === facts.teamId) && matches(policy.appliesTo, facts)
}

/**
 * From policies in their order, the first applying one per (kind, metric), in that same order.
 * A team-bound policy (OLA, UC) applies only while its team holds the ticket, so several teams'
 * OLAs for one metric coexist and the holder's is chosen.
 */
export function applicablePolicies<P extends Applicable> (ordered: readonly P[], facts: TicketFacts): P[] {
  const taken = new Set<string>()
  const chosen: P[] = []
  for (const policy of ordered) {
    const slot = `${policy.kind}:${policy.metric}`
    if (taken.has(slot) || !appliesNow(policy, facts)) continue
    taken.add(slot)
    chosen.push(policy)
  }
  return chosen
}

/** Whether the team a policy binds is of the right sort: an OLA binds an internal team, a UC a supplier. */
export function checkBoundTeam (definition: Pick<PolicyDefinition, 'kind'>, team: { isSupplier: boolean } | undefined): string | null {
  if (team === undefined) return 'no such team'
  if (definition.kind === 'ola' && team.isSupplier) return 'an OLA binds an internal team, not a supplier'
  if (definition.kind === 'uc' && !team.isSupplier) return 'an underpinning contract binds a supplier team'
  return null
}

/** Problems in a definition that its JSON schema cannot see, as JSON-pointer paths. */
export function validatePolicy (definition: PolicyDefinition): Array<{ path: string, message: string }> {
  const problems: Array<{ path: string, message: string }> = []
  if (definition.calendarSource === 'policy' && definition.calendarId === null) {
    problems.push({ path: '/calendarId', message: 'is required when calendarSource is policy' })
  }
  if (definition.kind === 'ola' && definition.counterparty.teamId === undefined) {
    problems.push({ path: '/counterparty/teamId', message: 'an OLA binds an internal team' })
  }
  if (definition.kind === 'uc' && definition.counterparty.teamId === undefined) {
    problems.push({ path: '/counterparty/teamId', message: 'an underpinning contract binds a supplier team' })
  }
  const sorted = [...definition.warnAt].sort((a, b) => a - b)
  if (sorted.some((v, i) => v !== definition.warnAt[i])) problems.push({ path: '/warnAt', message: 'thresholds must rise' })
  if (new Set(definition.warnAt).size !== definition.warnAt.length) problems.push({ path: '/warnAt', message: 'thresholds must differ' })
  return problems
}
