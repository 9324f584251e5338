import { Type, type Static } from '@sinclair/typebox'
import { Nullable, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { LevelSchema, PrioritySchema, TicketTypeSchema } from '../tickets/schema.js'
import { CALENDAR_SOURCES, METRICS, POLICY_KINDS } from './policy.js'
import { CONDITION_KINDS } from './triggers.js'
import { STATUS_CATEGORIES } from '../workflows/definition.js'

const Enum = <T extends string>(values: readonly T[]) => StringEnum(values)
const Minutes = Type.Integer({ minimum: 1, maximum: 60 * 24 * 366, description: 'Business minutes' })

export const AppliesToSchema = Type.Object({
  types: Type.Optional(Type.Array(TicketTypeSchema, { uniqueItems: true })),
  priorities: Type.Optional(Type.Array(PrioritySchema, { uniqueItems: true })),
  deskIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'Desk ids or keys' })),
  serviceIds: Type.Optional(Type.Array(Uuid, { uniqueItems: true })),
  organizationIds: Type.Optional(Type.Array(Uuid, { uniqueItems: true })),
  teamIds: Type.Optional(Type.Array(Uuid, { uniqueItems: true }))
}, { additionalProperties: false, description: 'All keys optional and AND-ed; a missing or empty list matches anything' })

export const CounterpartySchema = Type.Object({
  organizationId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
}, { additionalProperties: false, description: 'The customer organisation (sla), internal team (ola) or supplier (uc) bound by the promise. An ola binds an internal team, a uc a supplier team (teamId required for both; name is a label). That teamId binds the clocks to the team: they run only while it holds the ticket (ticket.teamId), one cycle per assignment; leaving ends the cycle (met within the goal, else breached) and coming back starts a new one. Such a policy applies only to tickets its team holds, in addition to appliesTo.' })

export const ConditionSchema = Type.Object({
  on: StringEnum(CONDITION_KINDS, { description: 'created: the ticket is opened; status: it enters one of `statuses`; status_category: it enters one of `categories`; reopened: it leaves resolved/closed; agent_reply / requester_reply: a public comment by an agent / the requester side; team_assigned: a team (one of `teamIds`, if given) takes it' }),
  statuses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, minItems: 1 })),
  categories: Type.Optional(Type.Array(StringEnum(STATUS_CATEGORIES), { uniqueItems: true, minItems: 1 })),
  teamIds: Type.Optional(Type.Array(Uuid, { uniqueItems: true }))
}, { additionalProperties: false, description: 'One condition over ticket events; a list of them matches when any does' })

const conditions = (what: string) => Type.Array(ConditionSchema, { maxItems: 10, description: what })
const triggerFields = {
  startOn: conditions('Events that start the clock, or a new cycle once the current one has ended. Default: created (resolution also reopened; next_response also requester_reply)'),
  stopOn: conditions('Events that stop a running cycle: met within the goal, else breached. Default: status_category resolved or closed (response metrics also agent_reply)'),
  cancelOn: conditions('Events that cancel a running cycle: neither met nor breached. Default: status cancelled or rejected'),
  resetOn: conditions('Events that end a running cycle and start the next one at once. Default: none')
}

const GoalMinutesSchema = Type.Object({ p1: Minutes, p2: Minutes, p3: Minutes, p4: Minutes }, { additionalProperties: false })

const definitionFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Enum(POLICY_KINDS),
  metric: Enum(METRICS),
  counterparty: CounterpartySchema,
  appliesTo: AppliesToSchema,
  goalMinutes: GoalMinutesSchema,
  calendarSource: StringEnum(CALENDAR_SOURCES, { description: 'policy: calendarId; desk: the ticket desk\'s calendar (open around the clock when it has none); service: the support hours of the ticket\'s service; organization: the business hours of the requester\'s organisation (for both: calendarId when there is none)' }),
  calendarId: Nullable(Uuid),
  pauseOn: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true, description: 'Statuses that pause the clock' }),
  warnAt: Type.Array(Type.Integer({ minimum: 1, maximum: 99 }), { uniqueItems: true, maxItems: 5, description: 'Warning thresholds, percent of the goal' })
}

export const SlaPolicySchema = Type.Object({
  id: Uuid,
  position: Type.Integer({ description: 'Precedence: lower first' }),
  version: Type.Integer({ minimum: 1 }),
  active: Type.Boolean(),
  ...definitionFields,
  ...triggerFields,
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'SlaPolicy' })
export type SlaPolicy = Static<typeof SlaPolicySchema>

export const CreateSlaPolicySchema = Type.Object({
  name: definitionFields.name,
  kind: definitionFields.kind,
  metric: definitionFields.metric,
  goalMinutes: definitionFields.goalMinutes,
  counterparty: Type.Optional(definitionFields.counterparty),
  appliesTo: Type.Optional(definitionFields.appliesTo),
  calendarSource: Type.Optional(definitionFields.calendarSource),
  calendarId: Type.Optional(definitionFields.calendarId),
  pauseOn: Type.Optional(definitionFields.pauseOn),
  warnAt: Type.Optional(definitionFields.warnAt),
  startOn: Type.Optional(triggerFields.startOn),
  stopOn: Type.Optional(triggerFields.stopOn),
  cancelOn: Type.Optional(triggerFields.cancelOn),
  resetOn: Type.Optional(triggerFields.resetOn),
  position: Type.Optional(Type.Integer({ minimum: 0, description: 'Default: after every existing policy' }))
}, { additionalProperties: false })
export type CreateSlaPolicy = Static<typeof CreateSlaPolicySchema>

export const UpdateSlaPolicySchema = Type.Partial(Type.Object({
  ...CreateSlaPolicySchema.properties,
  active: Type.Boolean()
}), { additionalProperties: false, minProperties: 1 })
export type UpdateSlaPolicy = Static<typeof UpdateSlaPolicySchema>

export const SlaPolicyVersionSchema = Type.Object({
  version: Type.Integer(),
  active: Type.Boolean(),
  definition: Type.Object({ ...definitionFields, ...triggerFields }),
  changedById: Uuid,
  createdAt: Timestamp
})

export const SimulateRequestSchema = Type.Object({
  ticket: Type.Object({
    type: TicketTypeSchema,
    deskId: Type.String({ minLength: 1 }),
    serviceId: Type.Optional(Uuid),
    organizationId: Type.Optional(Uuid),
    teamId: Type.Optional(Uuid),
    impact: Type.Optional(LevelSchema),
    urgency: Type.Optional(LevelSchema),
    priority: Type.Optional(PrioritySchema)
  }, { additionalProperties: false }),
  startAt: Timestamp
}, { additionalProperties: false })
export type SimulateRequest = Static<typeof SimulateRequestSchema>

export const SimulatedClockSchema = Type.Object({
  policyId: Uuid,
  policyVersion: Type.Integer(),
  name: Type.String(),
  kind: definitionFields.kind,
  metric: definitionFields.metric,
  goalMs: Type.Integer(),
  dueAt: Timestamp,
  calendarId: Nullable(Uuid),
  timeZone: Type.String()
})
export const SimulateResponseSchema = Type.Object({ priority: PrioritySchema, clocks: Type.Array(SimulatedClockSchema) })
export type SimulateResponse = Static<typeof SimulateResponseSchema>

const PauseViewSchema = Type.Object({ from: Timestamp, to: Nullable(Timestamp), reason: Type.String({ description: 'status:<status> or outside_calendar' }) })
const ClockResultSchema = StringEnum(['met', 'breached', 'cancelled'] as const)

/** A clock exactly as it stands at response time (API.md, "Service levels"). */
export const SlaClockSchema = Type.Object({
  id: Uuid,
  policyId: Uuid,
  policyVersion: Type.Integer(),
  kind: definitionFields.kind,
  metric: definitionFields.metric,
  goalMs: Type.Integer(),
  state: StringEnum(['running', 'paused', 'met', 'breached', 'cancelled'] as const),
  startedAt: Timestamp,
  dueAt: Nullable(Timestamp),
  originalDueAt: Nullable(Timestamp),
  stoppedAt: Nullable(Timestamp),
  breachedAt: Nullable(Timestamp),
  businessElapsedMs: Type.Integer(),
  businessRemainingMs: Type.Integer({ description: 'Negative after a breach' }),
  actualElapsedMs: Type.Integer(),
  percentage: Type.Number({ description: 'Floored to two decimals: never 100 before the due instant' }),
  paused: Type.Boolean(),
  pauseReason: Nullable(Type.String()),
  withinCalendarHours: Type.Boolean(),
  pauses: Type.Array(PauseViewSchema),
  completedCycles: Type.Array(Type.Object({
    cycle: Type.Integer(),
    startedAt: Timestamp,
    stoppedAt: Timestamp,
    goalMs: Type.Integer(),
    dueAt: Nullable(Timestamp),
    businessElapsedMs: Type.Integer(),
    result: ClockResultSchema,
    breachedAt: Nullable(Timestamp),
    pauses: Type.Array(PauseViewSchema)
  })),
  calendarId: Nullable(Uuid),
  timeZone: Type.String()
}, { $id: 'SlaClock' })

export const ClockExplanationSchema = Type.Object({
  clockId: Uuid,
  cycle: Type.Integer(),
  from: Timestamp,
  to: Timestamp,
  countedMs: Type.Integer({ description: 'Equals the clock\'s businessElapsedMs for this cycle' }),
  goalMs: Type.Integer(),
  timeZone: Type.String(),
  spans: Type.Array(Type.Object({
    from: Timestamp,
    to: Timestamp,
    ms: Type.Integer(),
    counted: Type.Boolean(),
    reason: StringEnum(['working', 'outside_calendar', 'holiday', 'pause'] as const),
    pauseReason: Type.Optional(Type.String({ description: 'For pause spans: why the clock was paused, e.g. status:pending' }))
  }))
})

export const RecalculateRequestSchema = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Answer the diff and change nothing' })),
  ticketIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'Only these tickets\' clocks (default: every ticket)' })),
  policyIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Only clocks of these policies (default: every policy)' }))
}, { additionalProperties: false })
export type RecalculateRequest = Static<typeof RecalculateRequestSchema>

const ClockFiguresSchema = Type.Object({
  dueAt: Nullable(Timestamp),
  state: SlaClockSchema.properties.state,
  businessElapsedMs: Type.Integer(),
  goalMs: Type.Integer(),
  policyVersion: Type.Integer()
}, { description: 'The clock as it reads at the request instant' })

export const RecalculateResponseSchema = Type.Object({
  dryRun: Type.Boolean(),
  examined: Type.Integer({ description: 'Open clocks recomputed' }),
  changed: Type.Integer({ description: 'Clocks whose figures, pauses or calendar differ after recomputing' }),
  clocks: Type.Array(Type.Object({
    clockId: Uuid,
    ticketId: Uuid,
    ticketKey: Type.String(),
    policyId: Uuid,
    kind: definitionFields.kind,
    metric: definitionFields.metric,
    changed: Type.Boolean(),
    before: ClockFiguresSchema,
    after: ClockFiguresSchema
  }))
})
export type RecalculateResponse = Static<typeof RecalculateResponseSchema>

export const ComplianceQuerySchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  groupBy: StringEnum(['policy', 'service', 'team', 'priority', 'desk'] as const, { description: 'team, service and priority are the ticket\'s current ones' })
}, { additionalProperties: false })
export type ComplianceQuery = Static<typeof ComplianceQuerySchema>

const ComplianceCountsSchema = {
  met: Type.Integer(),
  breached: Type.Integer(),
  total: Type.Integer(),
  percentageMet: Nullable(Type.Number({ description: 'met / total in percent, floored to two decimals; null when no cycle ended' }))
}

export const ComplianceReportSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  groupBy: ComplianceQuerySchema.properties.groupBy,
  groups: Type.Array(Type.Object({
    key: Nullable(Type.String({ description: 'The policy, service, team or desk id, or the priority; null for tickets without a service or team' })),
    label: Nullable(Type.String({ description: 'Policy name, team name, desk key or priority' })),
    ...ComplianceCountsSchema
  })),
  totals: Type.Object(ComplianceCountsSchema)
})
export type ComplianceReport = Static<typeof ComplianceReportSchema>
