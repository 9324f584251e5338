import { FormatRegistry, Type, type Static } from '@sinclair/typebox'
import { ListQuery, Nullable, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { isUuid } from '../../shared/ids.js'

// Plans and GraphQL inputs are checked with TypeBox's Value, which knows no format until told.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid)

// Literal unions, not StringEnum: plans are also checked with TypeBox's Value, which cannot check Unsafe types.
const rejectOn = Type.Optional(Type.Union([Type.Literal('first'), Type.Literal('all')], {
  description: '`first` (default): one rejection ends the approval as rejected; `all`: rejections end it only once the policy can no longer be met'
}))
const UserIds = Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true })

/** Who must approve; catalogue items embed this as their approval policy. */
export const ApprovalPolicySchema = Type.Union([
  Type.Object({ type: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('users'),
    userIds: UserIds,
    required: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('any')], { description: 'all (default): every named user approves; any: one does' })),
    rejectOn
  }, { additionalProperties: false, description: 'Named users' }),
  Type.Object({ type: Type.Literal('team'), teamId: Uuid, rejectOn }, { additionalProperties: false, description: 'Any one member of a team' }),
  Type.Object({
    type: Type.Literal('group'),
    userIds: Type.Optional(UserIds),
    teamId: Type.Optional(Uuid),
    required: Type.Integer({ minimum: 1, maximum: 100, description: 'How many of the group must approve' }),
    rejectOn
  }, { additionalProperties: false, description: 'N of a group: named users and/or the members of a team' }),
  Type.Object({ type: Type.Literal('manager'), rejectOn }, { additionalProperties: false, description: 'The requester\'s manager (users.managerId)' })
], { title: 'ApprovalPolicy', description: 'Approvers are fixed when the approval is asked (team members at that moment).' })
export type ApprovalPolicy = Static<typeof ApprovalPolicySchema>

export const TaskTemplateSchema = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Type.Optional(Type.String({ maxLength: 100_000 })),
  teamId: Uuid,
  order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Same order: in parallel; a higher order starts when every task of lower orders is finished (default 0)' }))
}, { additionalProperties: false, title: 'TaskTemplate' })
export type TaskTemplate = Static<typeof TaskTemplateSchema>

export const FulfilmentPlanSchema = Type.Object({
  approval: ApprovalPolicySchema,
  tasks: Type.Array(TaskTemplateSchema, { maxItems: 100 }),
  autoResolve: Type.Boolean({ description: 'Resolve the ticket (resolution fixed) when its last task is finished and at least one was done' })
}, { additionalProperties: false, title: 'FulfilmentPlan' })
export type FulfilmentPlan = Static<typeof FulfilmentPlanSchema>

/** `cancelled`: the ticket left awaiting_approval by another way (cancelled, or moved on by an agent) before the approval ended. */
export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'cancelled'] as const
export type ApprovalState = typeof APPROVAL_STATES[number]
export const DECISIONS = ['approve', 'reject'] as const
export type Decision = typeof DECISIONS[number]

export const ApproverSchema = Type.Object({
  userId: Uuid,
  decision: Nullable(StringEnum(DECISIONS)),
  comment: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp)
})
export type Approver = Static<typeof ApproverSchema>

export const ApprovalSchema = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  state: StringEnum(APPROVAL_STATES),
  policy: ApprovalPolicySchema,
  required: Type.Integer({ description: 'Approvals needed' }),
  rejectOn: StringEnum(['first', 'all'] as const),
  approvers: Type.Array(ApproverSchema),
  requestedById: Uuid,
  createdAt: Timestamp,
  decidedAt: Nullable(Timestamp)
}, { $id: 'Approval' })
export type Approval = Static<typeof ApprovalSchema>

export const RequestApprovalSchema = Type.Object({ policy: ApprovalPolicySchema }, { additionalProperties: false })
export const DecideApprovalSchema = Type.Object({
  decision: StringEnum(DECISIONS),
  comment: Type.Optional(Type.String({ maxLength: 10_000 }))
}, { additionalProperties: false })
export type DecideApproval = Static<typeof DecideApprovalSchema>

export const ListApprovalsQuerySchema = Type.Object({
  ...ListQuery,
  state: Type.Optional(StringEnum(APPROVAL_STATES)),
  approver: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '`me` or a user id: approvals that user is an approver of' }))
}, { additionalProperties: false })
export type ListApprovalsQuery = Static<typeof ListApprovalsQuerySchema>

export const TASK_STATUSES = ['pending', 'open', 'done', 'cancelled'] as const
export type TaskStatus = typeof TASK_STATUSES[number]

export const TaskSchema = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  title: Type.String(),
  description: Nullable(Type.String()),
  teamId: Uuid,
  deskId: Type.String({ format: 'uuid', description: 'The desk of the task\'s team: its agents work the task' }),
  order: Type.Integer(),
  status: StringEnum(TASK_STATUSES, { description: 'pending: waits for tasks of lower orders; open: workable; done and cancelled are final' }),
  assigneeId: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  completedAt: Nullable(Timestamp)
}, { $id: 'Task' })
export type Task = Static<typeof TaskSchema>

export const CreateTaskSchema = TaskTemplateSchema
export const UpdateTaskSchema = Type.Object({
  assigneeId: Type.Optional(Nullable(Uuid)),
  status: Type.Optional(StringEnum(['open', 'done', 'cancelled'] as const))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateTask = Static<typeof UpdateTaskSchema>

export const ListTasksQuerySchema = Type.Object({
  ...ListQuery,
  teamId: Type.Optional(Uuid),
  assigneeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a user id, `me` or `none`' })),
  status: Type.Optional(StringEnum(TASK_STATUSES))
}, { additionalProperties: false })
export type ListTasksQuery = Static<typeof ListTasksQuerySchema>
