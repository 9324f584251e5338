import type { ApprovalRow, ApproverRow, TaskRow } from './repository.js'
import type { Approval, ApprovalPolicy, Task } from './schema.js'

const iso = (d: Date | null) => d === null ? null : d.toISOString()

export function toApproval (row: ApprovalRow, approvers: readonly ApproverRow[]): Approval {
  return {
    id: row.id,
    ticketId: row.ticketId,
    state: row.state as Approval['state'],
    policy: row.policy as ApprovalPolicy,
    required: row.required,
    rejectOn: row.rejectOn as Approval['rejectOn'],
    approvers: approvers.filter(a => a.approvalId === row.id).map(a => ({
      userId: a.userId, decision: a.decision as Approval['approvers'][number]['decision'], comment: a.comment, decidedAt: iso(a.decidedAt)
    })),
    requestedById: row.requestedById,
    createdAt: row.createdAt.toISOString(),
    decidedAt: iso(row.decidedAt)
  }
}

export const toTask = (row: TaskRow): Task => ({
  id: row.id,
  ticketId: row.ticketId,
  title: row.title,
  description: row.description,
  teamId: row.teamId,
  deskId: row.deskId,
  order: row.position,
  status: row.status as Task['status'],
  assigneeId: row.assigneeId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  completedAt: iso(row.completedAt)
})
