import t from 'tap'
import { buildTestApp } from './helper.js'
import { seedWorld } from './world.js'
import { requestWithPlan, someone } from './fulfilment.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const ann = await someone(h, 'approver-ann')

t.test('approvals over GraphQL: ask, find what waits for me, decide, and read them on the ticket', async (t) => {
  const created = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'service_request', title: 'Monitor', deskId: 'HR' } })
  const ticketId = created.json().id
  const ask = await h.gql(w.agentHR.token, 'mutation($id: ID!, $policy: JSON!) { requestApproval(ticketId: $id, policy: $policy) { id state required rejectOn policy approvers { user { id } decision } } }',
    { id: ticketId, policy: { type: 'users', userIds: [ann.id], rejectOn: 'all' } })
  t.same(ask.body.errors, undefined)
  const approval = ask.body.data.requestApproval
  t.match(approval, { state: 'PENDING', required: 1, rejectOn: 'ALL', policy: { type: 'users' }, approvers: [{ user: { id: ann.id }, decision: null }] })

  const bad = await h.gql(w.agentHR.token, 'mutation($id: ID!) { requestApproval(ticketId: $id, policy: { type: "users", userIds: [] }) { id } }', { id: ticketId })
  t.match(bad.body.errors, [{ extensions: { code: 'VALIDATION_FAILED', status: 400 } }])
  const asRequester = await h.gql(w.requester.token, 'mutation($id: ID!) { requestApproval(ticketId: $id, policy: { type: "manager" }) { id } }', { id: ticketId })
  t.match(asRequester.body.errors, [{ extensions: { code: 'FORBIDDEN', status: 403 } }])

  const waiting = await h.gql(ann.token, '{ approvals(state: PENDING, approver: "me") { edges { node { id ticket { id status title } requestedBy { id } } } } }')
  t.same(waiting.body.data.approvals.edges.map((e: any) => e.node), [{ id: approval.id, ticket: { id: ticketId, status: 'awaiting_approval', title: 'Monitor' }, requestedBy: { id: w.agentHR.id } }])
  t.equal((await h.gql(w.otherRequester.token, 'query($id: ID!) { approval(id: $id) { id } }', { id: approval.id })).body.data.approval, null)

  const decided = await h.gql(ann.token, 'mutation($id: ID!) { decideApproval(id: $id, decision: APPROVE, comment: "ok") { state approvers { decision comment } } }', { id: approval.id })
  t.same(decided.body.data.decideApproval, { state: 'APPROVED', approvers: [{ decision: 'APPROVE', comment: 'ok' }] })
  const twice = await h.gql(ann.token, 'mutation($id: ID!) { decideApproval(id: $id, decision: REJECT) { state } }', { id: approval.id })
  t.match(twice.body.errors, [{ extensions: { code: 'APPROVAL_ALREADY_DECIDED', status: 409 } }])

  const onTicket = await h.gql(w.requester.token, 'query($id: ID!) { ticket(id: $id) { status approvals { state decidedAt approvers { user { id } } } } }', { id: ticketId })
  t.match(onTicket.body.data.ticket, { status: 'in_progress', approvals: [{ state: 'APPROVED', decidedAt: String, approvers: [{ user: { id: ann.id } }] }] })
})

t.test('tasks over GraphQL: the parent\'s desk adds them, another desk works them, and nested fields never leak internal notes', async (t) => {
  const plan = { approval: { type: 'none' as const }, tasks: [{ title: 'Laptop', teamId: w.teams.itServiceDesk }], autoResolve: true }
  const first = await requestWithPlan(h, w.requester, plan)
  const second = await requestWithPlan(h, w.requester, plan)
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${first.id}/comments`, payload: { body: 'internal only', visibility: 'internal' } })

  const added = await h.gql(w.agentHR.token, 'mutation($id: ID!, $team: ID!) { addTask(ticketId: $id, input: { title: "Paperwork", teamId: $team, order: 1 }) { title status order team { id } desk { key } assignee { id } } }',
    { id: first.id, team: w.teams.hrPeople })
  t.same(added.body.data.addTask, { title: 'Paperwork', status: 'PENDING', order: 1, team: { id: w.teams.hrPeople }, desk: { key: 'HR' }, assignee: null })
  const refused = await h.gql(w.agentIT.token, 'mutation($id: ID!, $team: ID!) { addTask(ticketId: $id, input: { title: "x", teamId: $team }) { id } }', { id: first.id, team: w.teams.itServiceDesk })
  t.match(refused.body.errors, [{ extensions: { code: 'FORBIDDEN', status: 403 } }], 'a task desk\'s agent sees the ticket but does not plan its work')

  const tickets = await h.gql(w.agentHR.token, '{ tickets(filter: { type: [SERVICE_REQUEST] }) { edges { node { id tasks { title status team { name } } } } } }')
  const byId = new Map<string, any>(tickets.body.data.tickets.edges.map((e: any) => [e.node.id, e.node]))
  t.same(byId.get(second.id).tasks, [{ title: 'Laptop', status: 'OPEN', team: { name: 'Service Desk' } }])
  t.equal(byId.get(first.id).tasks.length, 2)

  const queue = await h.gql(w.agentIT.token, '{ tasks(status: OPEN) { edges { node { id title ticket { id comments { edges { node { body } } } } } } } }')
  const nodes = queue.body.data.tasks.edges.map((e: any) => e.node)
  t.equal(nodes.length, 2)
  const mine = nodes.find((n: any) => n.ticket.id === first.id)
  t.same(mine.ticket.comments.edges, [], 'the parent comes without its internal note')

  const done = await h.gql(w.agentIT.token, 'mutation($id: ID!, $me: ID!) { updateTask(id: $id, input: { assigneeId: $me, status: DONE }) { status assignee { id } completedAt } }', { id: mine.id, me: w.agentIT.id })
  t.match(done.body.data.updateTask, { status: 'DONE', assignee: { id: w.agentIT.id }, completedAt: String })
  const again = await h.gql(w.agentIT.token, 'mutation($id: ID!) { updateTask(id: $id, input: { status: OPEN }) { status } }', { id: mine.id })
  t.match(again.body.errors, [{ extensions: { code: 'TASK_INVALID_STATUS', status: 409 } }])
  const read = await h.gql(w.otherRequester.token, 'query($id: ID!) { task(id: $id) { id } }', { id: mine.id })
  t.equal(read.body.data.task, null)
  const asRequester = await h.gql(w.requester.token, '{ tasks { edges { node { id } } } }')
  t.match(asRequester.body.errors, [{ extensions: { code: 'FORBIDDEN', status: 403 } }])
  const opened = await h.gql(w.agentHR.token, 'query($id: ID!) { ticket(id: $id) { status tasks { title status } } }', { id: first.id })
  t.same(opened.body.data.ticket.tasks.map((x: any) => x.status), ['DONE', 'OPEN'], 'the next order opened')
})
