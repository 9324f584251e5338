import type { ApprovalPolicy, ApprovalState, Decision } from './schema.js'

export type RejectOn = 'first' | 'all'
type ApprovingPolicy = Exclude<ApprovalPolicy, { type: 'none' }>

/** How many approvals satisfy a policy that has `approverCount` approvers. */
export function requiredApprovals (policy: ApprovingPolicy, approverCount: number): number {
  switch (policy.type) {
    case 'users': return policy.required === 'any' ? 1 : approverCount
    case 'group': return policy.required
    case 'team': case 'manager': return 1
  }
}

export const rejectOnOf = (policy: ApprovingPolicy): RejectOn => policy.rejectOn ?? 'first'

/**
 * Where an approval stands after its decisions so far. Approved once `required` approvers
 * approved; with `rejectOn: 'first'` one rejection ends it as rejected; in every case it is
 * rejected once the approvers still undecided cannot bring it to `required` any more (so with
 * `rejectOn: 'all'` an "any of" policy is rejected only when every approver rejected).
 */
export function approvalOutcome (decisions: ReadonlyArray<Decision | null>, required: number, rejectOn: RejectOn): Exclude<ApprovalState, 'cancelled'> {
  const approvals = decisions.filter(d => d === 'approve').length
  const rejections = decisions.filter(d => d === 'reject').length
  const undecided = decisions.length - approvals - rejections
  if (approvals >= required) return 'approved'
  if (rejectOn === 'first' && rejections > 0) return 'rejected'
  if (approvals + undecided < required) return 'rejected'
  return 'pending'
}
