import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'
import { eventTypes, requestWithPlan, someone, statusChanges } from './fulfilment.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const ann = await someone(h, 'approver-ann')
const bob = await someone(h, 'approver-bob')
const cid = await someone(h, 'approver-cid')
const manager = await someone(h, 'manager-max')
const cab = (await h.request(w.admin.token, { method: 'POST', url: '/v1/teams', payload: { name: 'CAB', deskId: 'IT' } })).json()
for (const member of [ann, bob]) await h.request(w.admin.token, { method: 'POST', url: `/v1/teams/${cab.id}/members`, payload: { userId: member.id } })
await h.request(w.admin.token, { method: 'PATCH', url: `/v1/users/${w.requester.id}`, payload: { managerId: manager.id } })

const laptopTasks = (teamId: string) => [{ title: 'Prepare the laptop', teamId }]
const decide = (as: string, id: string, decision: 'approve' | 'reject', comment?: string) =>
  h.request(as, { method: 'POST', url: `/v1/approvals/${id}/decision`, payload: { decision, ...(comment === undefined ? {} : { comment }) } })
const approvalsOf = async (as: string, ticketId: string) => (await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/approvals` })).json().data
const tasksOf = async (as: string, ticketId: string) => (await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/tasks` })).json().data

t.test('named users, all required: the ticket waits until every one approved, then work starts and the planned tasks appear', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id, bob.id] }, tasks: laptopTasks(w.teams.itServiceDesk), autoResolve: true })
  t.equal(ticket.status, 'awaiting_approval')
  const [approval] = await approvalsOf(w.agentHR.token, ticket.id)
  t.match(approval, { state: 'pending', required: 2, rejectOn: 'first', policy: { type: 'users' } })
  t.same(approval.approvers.map((a: { userId: string }) => a.userId).sort(), [ann.id, bob.id].sort())
  t.same(await tasksOf(w.agentHR.token, ticket.id), [], 'no task before the approval')

  const first = await decide(ann.token, approval.id, 'approve', 'Fine by me')
  t.equal(first.statusCode, 200)
  t.match(first.json(), { state: 'pending' })
  t.equal((await h.request(ann.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().status, 'awaiting_approval')
  const again = await decide(ann.token, approval.id, 'reject')
  t.match(again.json(), { status: 409, code: 'APPROVAL_ALREADY_DECIDED' })

  const second = await decide(bob.token, approval.id, 'approve')
  t.match(second.json(), { state: 'approved', decidedAt: String })
  const after = (await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json()
  t.equal(after.status, 'in_progress')
  t.match(await tasksOf(w.requester.token, ticket.id), [{ title: 'Prepare the laptop', status: 'open', teamId: w.teams.itServiceDesk }])
  t.same(await statusChanges(h, w.requester.token, ticket.id), [
    { status: 'awaiting_approval', reason: 'approval_requested' },
    { status: 'in_progress', reason: 'approval_approved' }
  ])
  t.same((await eventTypes(h, w.requester.token, ticket.id)).filter(e => e.startsWith('approval.')),
    ['approval.requested', 'approval.decided', 'approval.decided', 'approval.approved'])
  const late = await decide(cid.token, approval.id, 'approve')
  t.equal(late.statusCode, 404, 'someone who is no approver and cannot see the ticket learns nothing')
})

t.test('one rejection ends a policy as rejected by default, and no task is created', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id, bob.id], required: 'any' }, tasks: laptopTasks(w.teams.itServiceDesk), autoResolve: true })
  const [approval] = await approvalsOf(w.requester.token, ticket.id)
  t.equal(approval.required, 1)
  const res = await decide(bob.token, approval.id, 'reject', 'Budget frozen')
  t.match(res.json(), { state: 'rejected', approvers: [{}, {}] })
  const after = (await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json()
  t.match(after, { status: 'rejected', statusCategory: 'closed' })
  t.same(await tasksOf(w.requester.token, ticket.id), [])
  t.match((await decide(ann.token, approval.id, 'approve')).json(), { status: 409, code: 'APPROVAL_CLOSED' })
})

t.test('rejectOn all: an any-of approval is rejected only when every approver rejected', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id, bob.id], required: 'any', rejectOn: 'all' }, tasks: [], autoResolve: false })
  const [approval] = await approvalsOf(w.requester.token, ticket.id)
  t.match((await decide(ann.token, approval.id, 'reject')).json(), { state: 'pending' })
  t.match((await decide(bob.token, approval.id, 'reject')).json(), { state: 'rejected' })
  t.equal((await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().status, 'rejected')

  const second = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id, bob.id], required: 'any', rejectOn: 'all' }, tasks: [], autoResolve: false })
  const [other] = await approvalsOf(w.requester.token, second.id)
  t.match((await decide(ann.token, other.id, 'reject')).json(), { state: 'pending' })
  t.match((await decide(bob.token, other.id, 'approve')).json(), { state: 'approved' })
  t.equal((await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${second.id}` })).json().status, 'in_progress')
})

t.test('any member of a team approves; N of a group counts approvals across named users and a team', async (t) => {
  const teamTicket = await requestWithPlan(h, w.requester, { approval: { type: 'team', teamId: cab.id }, tasks: [], autoResolve: false })
  const [teamApproval] = await approvalsOf(w.requester.token, teamTicket.id)
  t.equal(teamApproval.approvers.length, 2)
  t.match((await decide(bob.token, teamApproval.id, 'approve')).json(), { state: 'approved' })

  const group = await requestWithPlan(h, w.requester, { approval: { type: 'group', userIds: [cid.id], teamId: cab.id, required: 2, rejectOn: 'all' }, tasks: [], autoResolve: false })
  const [groupApproval] = await approvalsOf(w.requester.token, group.id)
  t.match(groupApproval, { required: 2, rejectOn: 'all' })
  t.equal(groupApproval.approvers.length, 3)
  t.match((await decide(cid.token, groupApproval.id, 'reject')).json(), { state: 'pending' }, 'two approvals are still possible')
  t.match((await decide(ann.token, groupApproval.id, 'approve')).json(), { state: 'pending' })
  t.match((await decide(bob.token, groupApproval.id, 'approve')).json(), { state: 'approved' })

  const impossible = await requestWithPlan(h, w.requester, { approval: { type: 'group', userIds: [cid.id], teamId: cab.id, required: 2, rejectOn: 'all' }, tasks: [], autoResolve: false })
  const [lost] = await approvalsOf(w.requester.token, impossible.id)
  await decide(cid.token, lost.id, 'reject')
  t.match((await decide(ann.token, lost.id, 'reject')).json(), { state: 'rejected' }, 'rejected once two approvals can no longer be reached')
})

t.test('the requester\'s manager approves; they see the ticket as a requester would and find it waiting for them', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, { approval: { type: 'manager' }, tasks: [], autoResolve: false })
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'Check the budget code', visibility: 'internal' } })
  const seen = await h.request(manager.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })
  t.equal(seen.statusCode, 200)
  const comments = await h.request(manager.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/comments` })
  t.same(comments.json().data, [], 'no internal note for the approver')
  t.notOk((await eventTypes(h, manager.token, ticket.id)).includes('comment.added'))
  const transitions = await h.request(manager.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/transitions` })
  t.same(transitions.json().data, [], 'an approver sees the ticket but may not move it')

  const waiting = await h.request(manager.token, { method: 'GET', url: '/v1/approvals?state=pending&approver=me' })
  t.equal(waiting.statusCode, 200)
  t.same(waiting.json().data.map((a: { ticketId: string }) => a.ticketId), [ticket.id])
  const [approval] = waiting.json().data
  t.same(approval.approvers.map((a: { userId: string }) => a.userId), [manager.id])
  t.equal((await h.request(w.otherRequester.token, { method: 'GET', url: `/v1/approvals/${approval.id}` })).statusCode, 404)
  t.match((await decide(w.otherRequester.token, approval.id, 'approve')).json(), { status: 404, code: 'APPROVAL_NOT_FOUND' })
  t.match((await decide(w.agentHR.token, approval.id, 'approve')).json(), { status: 403, code: 'FORBIDDEN' }, 'the desk sees the approval but does not decide it')
  t.match((await decide(manager.token, approval.id, 'approve')).json(), { state: 'approved' })
  const none = await h.request(manager.token, { method: 'GET', url: '/v1/approvals?state=pending&approver=me' })
  t.same(none.json().data, [])
  const decided = await h.request(manager.token, { method: 'GET', url: '/v1/approvals?state=approved&approver=me' })
  t.equal(decided.json().data.length, 1)

  const orphan = await h.request(w.otherRequester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'service_request', title: 'Desk', deskId: 'HR' } })
  const noManager = await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${orphan.json().id}/approvals`, payload: { policy: { type: 'manager' } } })
  t.match(noManager.json(), { status: 400, code: 'VALIDATION_FAILED', errors: [{ path: '/policy' }] })
})

t.test('two approvers deciding at once move the ticket once', async (t) => {
  for (const required of ['any', 'all'] as const) {
    const ticket = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id, bob.id], required }, tasks: laptopTasks(w.teams.itServiceDesk), autoResolve: false })
    const [approval] = await approvalsOf(w.requester.token, ticket.id)
    const results = await Promise.all([decide(ann.token, approval.id, 'approve'), decide(bob.token, approval.id, 'approve')])
    const codes = results.map(r => r.statusCode).sort()
    t.same(codes, required === 'any' ? [200, 409] : [200, 200], `required ${required}`)
    if (required === 'any') t.equal(results.find(r => r.statusCode === 409)?.json().code, 'APPROVAL_CLOSED')
    t.same((await statusChanges(h, w.requester.token, ticket.id)).map(c => c.status), ['awaiting_approval', 'in_progress'])
    t.equal((await tasksOf(w.requester.token, ticket.id)).length, 1, 'the planned tasks are created once')
    t.equal((await eventTypes(h, w.requester.token, ticket.id)).filter(e => e === 'approval.approved').length, 1)
  }
})

t.test('agents ask for an approval on any request or change; bad requests change nothing', async (t) => {
  const change = await openTicket(h, w.agentIT.token, { type: 'change', title: 'Upgrade the core switch' })
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${change.id}/transitions`, payload: { to: 'assessment' } })
  const asked = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${change.id}/approvals`, payload: { policy: { type: 'team', teamId: cab.id } } })
  t.equal(asked.statusCode, 201)
  t.match(asked.headers.location, `/v1/approvals/${asked.json().id}`)
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${change.id}` })).json().status, 'awaiting_approval')
  const twice = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${change.id}/approvals`, payload: { policy: { type: 'team', teamId: cab.id } } })
  t.match(twice.json(), { status: 409, code: 'APPROVAL_PENDING' })
  t.match((await decide(ann.token, asked.json().id, 'approve')).json(), { state: 'approved' })
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${change.id}` })).json().status, 'scheduled', 'an approved change is scheduled')

  const incident = await openTicket(h, w.requester.token)
  const before = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${incident.id}` })).json()
  const cases: Array<[string, string, object, number, string]> = [
    ['incidents have no approval step', w.agentIT.token, { policy: { type: 'team', teamId: cab.id } }, 409, 'TICKET_INVALID_TRANSITION'],
    ['the requester may not ask', w.requester.token, { policy: { type: 'team', teamId: cab.id } }, 403, 'FORBIDDEN'],
    ['another desk\'s agent does not see it', w.agentHR.token, { policy: { type: 'team', teamId: cab.id } }, 404, 'TICKET_NOT_FOUND'],
    ['an unknown policy type', w.agentIT.token, { policy: { type: 'vote' } }, 400, 'VALIDATION_FAILED'],
    ['an unknown user', w.agentIT.token, { policy: { type: 'users', userIds: ['00000000-0000-4000-8000-000000000000'] } }, 400, 'VALIDATION_FAILED'],
    ['none asks nothing', w.agentIT.token, { policy: { type: 'none' } }, 400, 'VALIDATION_FAILED'],
    ['more required than the group has', w.agentIT.token, { policy: { type: 'group', teamId: cab.id, required: 3 } }, 400, 'VALIDATION_FAILED']
  ]
  for (const [name, as, payload, status, code] of cases) {
    const res = await h.request(as, { method: 'POST', url: `/v1/tickets/${incident.id}/approvals`, payload })
    t.equal(res.statusCode, status, name)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.equal(res.json().code, code, name)
  }
  const after = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${incident.id}` })).json()
  t.equal(after.version, before.version, 'nothing changed')
  t.same(await approvalsOf(w.agentIT.token, incident.id), [])
  const badDecision = await h.request(ann.token, { method: 'POST', url: `/v1/approvals/${asked.json().id}/decision`, payload: { decision: 'maybe' } })
  t.equal(badDecision.statusCode, 400)
  t.equal((await h.request(ann.token, { method: 'GET', url: '/v1/approvals/not-an-id' })).statusCode, 404)
})

t.test('a ticket leaving awaiting_approval another way cancels its pending approval; moved on by an agent, its tasks start', async (t) => {
  const cancelled = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id] }, tasks: laptopTasks(w.teams.itServiceDesk), autoResolve: true })
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${cancelled.id}/transitions`, payload: { to: 'cancelled' } })
  const [gone] = await approvalsOf(w.requester.token, cancelled.id)
  t.match(gone, { state: 'cancelled', decidedAt: String })
  t.match((await decide(ann.token, gone.id, 'approve')).json(), { status: 409, code: 'APPROVAL_CLOSED' })
  t.same((await h.request(ann.token, { method: 'GET', url: '/v1/approvals?state=pending&approver=me' })).json().data.filter((a: { ticketId: string }) => a.ticketId === cancelled.id), [])
  t.same(await tasksOf(w.requester.token, cancelled.id), [])

  const overridden = await requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [ann.id] }, tasks: laptopTasks(w.teams.itServiceDesk), autoResolve: true })
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${overridden.id}/transitions`, payload: { to: 'in_progress' } })
  t.match(await approvalsOf(w.requester.token, overridden.id), [{ state: 'cancelled' }])
  t.match(await tasksOf(w.requester.token, overridden.id), [{ status: 'open' }])
  t.ok((await eventTypes(h, w.requester.token, overridden.id)).includes('approval.cancelled'))
})
