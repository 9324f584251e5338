import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'
import { eventTypes, requestWithPlan, someone, statusChanges } from './fulfilment.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const facilitiesDesk = (await h.request(w.admin.token, { method: 'POST', url: '/v1/desks', payload: { key: 'FAC', name: 'Facilities' } })).json()
const facilitiesTeam = (await h.request(w.admin.token, { method: 'POST', url: '/v1/teams', payload: { name: 'Workplace', deskId: 'FAC' } })).json()
const agentFac = await someone(h, 'agent-fac', ['agent'])
await h.request(w.admin.token, { method: 'POST', url: `/v1/teams/${facilitiesTeam.id}/members`, payload: { userId: agentFac.id } })

const patch = (as: string, id: string, payload: object) => h.request(as, { method: 'PATCH', url: `/v1/tasks/${id}`, payload })
const tasksOf = async (as: string, ticketId: string) => (await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/tasks` })).json().data as Array<{ id: string, title: string, status: string, order: number, teamId: string }>
const statusOf = async (ticketId: string) => (await h.request(w.agentHR.token, { method: 'GET', url: `/v1/tickets/${ticketId}` })).json()

const onboarding = () => ({
  approval: { type: 'none' as const },
  tasks: [
    { title: 'Contract and payroll', teamId: w.teams.hrPeople, order: 0 },
    { title: 'Prepare a laptop', teamId: w.teams.itServiceDesk, order: 0 },
    { title: 'Desk and badge on day one', teamId: facilitiesTeam.id, order: 1 }
  ],
  autoResolve: true
})

t.test('without approval the tasks start at once: one order in parallel, the next when it is finished, and the last one resolves the request', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, onboarding())
  t.equal(ticket.status, 'in_progress', 'work starts with the tasks')
  const tasks = await tasksOf(w.agentHR.token, ticket.id)
  t.same(tasks.map(x => [x.title, x.status, x.order]).sort((a, b) => Number(a[2]) - Number(b[2]) || String(a[0]).localeCompare(String(b[0]))), [
    ['Contract and payroll', 'open', 0], ['Prepare a laptop', 'open', 0], ['Desk and badge on day one', 'pending', 1]
  ])
  t.equal(tasks[2]?.title, 'Desk and badge on day one', 'listed by order')
  const byTitle = (title: string) => tasks.find(x => x.title === title)!
  const [hrTask, itTask, facTask] = [byTitle('Contract and payroll'), byTitle('Prepare a laptop'), byTitle('Desk and badge on day one')]
  const early = await patch(agentFac.token, facTask.id, { status: 'done' })
  t.match(early.json(), { status: 409, code: 'TASK_INVALID_STATUS' }, 'a pending task cannot be done yet')

  t.match((await patch(w.agentHR.token, hrTask.id, { status: 'done' })).json(), { status: 'done', completedAt: String })
  t.equal((await tasksOf(w.agentHR.token, ticket.id))[2]?.status, 'pending', 'the next order waits for the whole first order')
  t.match((await patch(w.agentIT.token, itTask.id, { assigneeId: w.agentIT.id })).json(), { assigneeId: w.agentIT.id, status: 'open' })
  t.match((await patch(w.agentIT.token, itTask.id, { status: 'done' })).json(), { status: 'done' })
  t.equal((await tasksOf(w.agentHR.token, ticket.id))[2]?.status, 'open')
  t.equal((await statusOf(ticket.id)).status, 'in_progress')

  const last = await patch(agentFac.token, facTask.id, { status: 'done' })
  t.equal(last.statusCode, 200)
  t.match(await statusOf(ticket.id), { status: 'resolved', resolution: 'fixed', resolvedAt: String })
  t.same(await statusChanges(h, w.requester.token, ticket.id), [
    { status: 'in_progress', reason: 'fulfilment_started' },
    { status: 'resolved', reason: 'tasks_done' }
  ])
  const types = await eventTypes(h, w.requester.token, ticket.id)
  t.equal(types.filter(x => x === 'task.created').length, 3)
  t.equal(types.filter(x => x === 'task.updated').length, 5, 'three completions, one assignment, one task opened by sequencing')
  t.match((await patch(agentFac.token, facTask.id, { status: 'open' })).json(), { status: 409, code: 'TASK_INVALID_STATUS' }, 'done is final')
})

t.test('without autoResolve, or when every task was cancelled, the request stays open', async (t) => {
  const manual = await requestWithPlan(h, w.requester, { ...onboarding(), tasks: [{ title: 'Only task', teamId: w.teams.hrPeople }], autoResolve: false })
  const [only] = await tasksOf(w.agentHR.token, manual.id)
  await patch(w.agentHR.token, only!.id, { status: 'done' })
  t.equal((await statusOf(manual.id)).status, 'in_progress')

  const cancelled = await requestWithPlan(h, w.requester, { ...onboarding(), tasks: [{ title: 'Only task', teamId: w.teams.hrPeople }] })
  const [task] = await tasksOf(w.agentHR.token, cancelled.id)
  t.match((await patch(w.agentHR.token, task!.id, { status: 'cancelled' })).json(), { status: 'cancelled' })
  t.equal((await statusOf(cancelled.id)).status, 'in_progress', 'nothing was done, so nothing is resolved')
})

t.test('agents of a task\'s desk see and work it on another desk\'s ticket, without its internal notes', async (t) => {
  const ticket = await requestWithPlan(h, w.requester, onboarding())
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'Salary band 7, confidential', visibility: 'internal' } })
  await h.request(w.agentHR.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'Welcome aboard!' } })
  const itTask = (await tasksOf(w.agentHR.token, ticket.id)).find(x => x.teamId === w.teams.itServiceDesk)!
  const hrTask = (await tasksOf(w.agentHR.token, ticket.id)).find(x => x.teamId === w.teams.hrPeople)!

  const parent = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })
  t.equal(parent.statusCode, 200, 'the IT agent sees the HR request their task belongs to')
  const comments = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/comments` })
  t.same(comments.json().data.map((c: { body: string }) => c.body), ['Welcome aboard!'])
  const events = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events?limit=200` })
  t.notOk(JSON.stringify(events.json()).includes('confidential'), 'no internal note through the timeline either')
  const search = await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tickets?q=confidential' })
  t.same(search.json().data, [])
  const note = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'x', visibility: 'internal' } })
  t.equal(note.statusCode, 403, 'no internal notes on another desk\'s ticket')
  const move = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'resolved', resolution: 'fixed' } })
  t.equal(move.statusCode, 409, 'nor any transition')
  const edit = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { title: 'x' } })
  t.equal(edit.statusCode, 400)
  t.equal(edit.json().code, 'FIELD_NOT_WRITABLE')

  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tasks/${itTask.id}` })).statusCode, 200)
  t.match((await patch(w.agentIT.token, hrTask.id, { status: 'done' })).json(), { status: 403, code: 'FORBIDDEN' }, 'only their own desk\'s tasks')
  t.match((await patch(w.agentIT.token, itTask.id, { assigneeId: w.agentHR.id })).json(), { status: 400, errors: [{ path: '/assigneeId' }] }, 'the assignee must be in the task\'s team')
  t.match((await patch(w.agentIT.token, itTask.id, { assigneeId: w.agentIT.id })).json(), { assigneeId: w.agentIT.id })

  const queue = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tasks?teamId=${w.teams.itServiceDesk}&assigneeId=me&status=open` })
  t.equal(queue.statusCode, 200)
  t.same(queue.json().data.map((x: { id: string }) => x.id), [itTask.id])
  const facQueue = await h.request(agentFac.token, { method: 'GET', url: '/v1/tasks?assigneeId=none' })
  t.ok(facQueue.json().data.every((x: { deskId: string }) => x.deskId === facilitiesDesk.id), 'Facilities sees only its own tasks of HR requests')
  t.ok(facQueue.json().data.length > 0)
  const hrQueue = await h.request(w.agentHR.token, { method: 'GET', url: `/v1/tasks?teamId=${w.teams.itServiceDesk}` })
  t.ok(hrQueue.json().data.some((x: { id: string }) => x.id === itTask.id), 'the ticket\'s desk follows the tasks it asked of others')

  t.match((await h.request(w.requester.token, { method: 'GET', url: '/v1/tasks' })).json(), { status: 403, code: 'FORBIDDEN' }, 'requesters have no task queue')
  t.equal((await tasksOf(w.requester.token, ticket.id)).length, 3, 'the requester follows the progress')
  t.match((await patch(w.requester.token, itTask.id, { status: 'done' })).json(), { status: 403 })
  for (const as of [w.otherRequester.token]) {
    t.equal((await h.request(as, { method: 'GET', url: `/v1/tasks/${itTask.id}` })).statusCode, 404)
    t.equal((await patch(as, itTask.id, { status: 'done' })).statusCode, 404)
    t.equal((await h.request(as, { method: 'GET', url: `/v1/tickets/${ticket.id}/tasks` })).statusCode, 404)
  }
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tasks/nope' })).statusCode, 404)
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tasks?assigneeId=someone' })).statusCode, 400)
})

t.test('agents of the ticket\'s desk add tasks by hand, sequenced with the others', async (t) => {
  const ticket = await openTicket(h, w.requester.token, { type: 'service_request', title: 'Access to the finance share', deskId: 'IT' })
  const add = (as: string, payload: object) => h.request(as, { method: 'POST', url: `/v1/tickets/${ticket.id}/tasks`, payload })
  const first = await add(w.agentIT.token, { title: 'Ask the share owner', teamId: w.teams.itServiceDesk })
  t.equal(first.statusCode, 201)
  t.match(first.headers.location, `/v1/tasks/${first.json().id}`)
  t.match(first.json(), { status: 'open', order: 0, deskId: w.desks.IT })
  const second = await add(w.agentIT.token, { title: 'Grant access', teamId: w.teams.itServiceDesk, order: 1 })
  t.match(second.json(), { status: 'pending', order: 1 })
  await patch(w.agentIT.token, first.json().id, { status: 'done' })
  t.match((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tasks/${second.json().id}` })).json(), { status: 'open' })
  await patch(w.agentIT.token, second.json().id, { status: 'done' })
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().status, 'new', 'no plan, no auto-resolution')

  const before = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().version
  t.match((await add(w.requester.token, { title: 'x', teamId: w.teams.itServiceDesk })).json(), { status: 403, code: 'FORBIDDEN' })
  t.match((await add(w.agentHR.token, { title: 'x', teamId: w.teams.itServiceDesk })).json(), { status: 404, code: 'TICKET_NOT_FOUND' })
  t.match((await add(w.agentIT.token, { title: 'x', teamId: '00000000-0000-4000-8000-000000000000' })).json(), { status: 400, errors: [{ path: '/teamId' }] })
  t.match((await add(w.agentIT.token, { title: '', teamId: w.teams.itServiceDesk, colour: 'red' })).json(), { status: 400 })
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().version, before, 'refused requests change nothing')
  t.equal((await tasksOf(w.agentIT.token, ticket.id)).length, 2)
})

t.test('start refuses a plan with unknown teams and leaves the ticket as it was', async (t) => {
  const plan = { approval: { type: 'none' as const }, tasks: [{ title: 'x', teamId: '00000000-0000-4000-8000-000000000000' }], autoResolve: true }
  await t.rejects(requestWithPlan(h, w.requester, plan), { code: 'VALIDATION_FAILED', errors: [{ path: '/tasks/0/teamId' }] })
  await t.rejects(requestWithPlan(h, w.requester, { approval: { type: 'users', userIds: [] }, tasks: [], autoResolve: true } as never), { code: 'VALIDATION_FAILED' })
})
