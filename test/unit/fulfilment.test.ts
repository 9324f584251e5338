import t from 'tap'
import fc from 'fast-check'
import { approvalOutcome, requiredApprovals } from '../../src/modules/fulfilment/policy.js'
import { initialStatus, isFulfilled, refusedStatusChange, tasksToOpen, workableOrder, type SequencedTask } from '../../src/modules/fulfilment/sequencing.js'
import { statusAfterApproval } from '../../src/modules/fulfilment/moves.js'
import { DEFAULT_WORKFLOWS } from '../../src/modules/workflows/definition.js'
import type { Decision, TaskStatus } from '../../src/modules/fulfilment/schema.js'

const A = 'approve' as const
const R = 'reject' as const
const id = '00000000-0000-4000-8000-000000000000'

t.test('required approvals per policy', async (t) => {
  t.equal(requiredApprovals({ type: 'users', userIds: [id, id] }, 2), 2, 'named users: all by default')
  t.equal(requiredApprovals({ type: 'users', userIds: [id, id], required: 'any' }, 2), 1)
  t.equal(requiredApprovals({ type: 'team', teamId: id }, 5), 1)
  t.equal(requiredApprovals({ type: 'group', teamId: id, required: 3 }, 5), 3)
  t.equal(requiredApprovals({ type: 'manager' }, 1), 1)
})

t.test('approval outcomes', async (t) => {
  const cases: Array<[Array<Decision | null>, number, 'first' | 'all', string]> = [
    [[null, null], 2, 'first', 'pending'],
    [[A, null], 2, 'first', 'pending'],
    [[A, A], 2, 'first', 'approved'],
    [[A, R], 1, 'first', 'approved'],
    [[R, null], 1, 'first', 'rejected'],
    [[R, null], 1, 'all', 'pending'],
    [[R, R], 1, 'all', 'rejected'],
    [[R, null, null], 2, 'all', 'pending'],
    [[R, R, null], 2, 'all', 'rejected'],
    [[R, A, A], 2, 'all', 'approved'],
    [[R, null], 2, 'all', 'rejected']
  ]
  for (const [decisions, required, rejectOn, expected] of cases) {
    t.equal(approvalOutcome(decisions, required, rejectOn), expected, `${JSON.stringify(decisions)} of ${required}, rejectOn ${rejectOn}`)
  }
})

t.test('an outcome, once reached, stays whatever the undecided approvers would decide', async () => {
  const decision = fc.constantFrom<Decision | null>(A, R, null)
  fc.assert(fc.property(fc.array(decision, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom<'first' | 'all'>('first', 'all'), (decisions, n, rejectOn) => {
    const required = Math.min(n, decisions.length)
    const outcome = approvalOutcome(decisions, required, rejectOn)
    if (outcome === 'pending') return true
    // Settled outcomes are final: the flow stops taking decisions, but the rule must not flip either.
    const filled = decisions.map(d => d ?? A)
    const rejectedFilled = decisions.map(d => d ?? R)
    return outcome === 'rejected'
      ? rejectOn === 'all' ? approvalOutcome(filled, required, rejectOn) !== 'approved' : true
      : approvalOutcome(rejectedFilled, required, rejectOn) === 'approved'
  }))
})

const task = (order: number, status: TaskStatus): SequencedTask => ({ order, status })

t.test('sequencing by order', async (t) => {
  t.equal(workableOrder([]), undefined)
  t.equal(workableOrder([task(0, 'done'), task(1, 'open'), task(2, 'pending')]), 1)
  t.equal(initialStatus(0, []), 'open')
  t.equal(initialStatus(1, [task(0, 'open')]), 'pending')
  t.equal(initialStatus(1, [task(0, 'done')]), 'open')
  t.equal(initialStatus(0, [task(1, 'open')]), 'open', 'a lower order is never held back')
  t.same(tasksToOpen([task(0, 'done'), task(0, 'cancelled'), task(1, 'pending'), task(1, 'pending'), task(2, 'pending')]), [task(1, 'pending'), task(1, 'pending')])
  t.same(tasksToOpen([task(0, 'open'), task(1, 'pending')]), [])
  t.equal(isFulfilled([]), false)
  t.equal(isFulfilled([task(0, 'done'), task(1, 'cancelled')]), true)
  t.equal(isFulfilled([task(0, 'cancelled')]), false, 'nothing done, nothing fulfilled')
  t.equal(isFulfilled([task(0, 'done'), task(1, 'open')]), false)
})

t.test('task status changes', async (t) => {
  t.equal(refusedStatusChange('open', 'done'), undefined)
  t.equal(refusedStatusChange('open', 'cancelled'), undefined)
  t.equal(refusedStatusChange('pending', 'cancelled'), undefined)
  t.equal(refusedStatusChange('open', 'open'), undefined)
  t.type(refusedStatusChange('pending', 'done'), 'string')
  t.type(refusedStatusChange('pending', 'open'), 'string')
  t.type(refusedStatusChange('done', 'open'), 'string')
  t.type(refusedStatusChange('cancelled', 'done'), 'string')
  t.type(refusedStatusChange('open', 'pending'), 'string')
})

t.test('where an approval\'s end takes a ticket, per shipped workflow', async (t) => {
  t.equal(statusAfterApproval(DEFAULT_WORKFLOWS.service_request, 'approved'), 'in_progress')
  t.equal(statusAfterApproval(DEFAULT_WORKFLOWS.change, 'approved'), 'scheduled')
  t.equal(statusAfterApproval(DEFAULT_WORKFLOWS.service_request, 'rejected'), 'rejected')
  t.equal(statusAfterApproval(DEFAULT_WORKFLOWS.incident, 'approved'), undefined)
  t.equal(statusAfterApproval(DEFAULT_WORKFLOWS.incident, 'rejected'), undefined)
})
