import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Monday 1 June 2026, 10:00 UTC; the calendar is open around the clock, so minutes are plain minutes.
const clock = fixedClock(new Date('2026-06-01T10:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const admin = (method: 'POST' | 'PATCH', url: string, payload: object) => h.request(w.admin.token, { method, url, payload })
const minutes = (n: number) => ({ p1: n, p2: n, p3: n, p4: n })
const MIN = 60_000

const calendar = (await admin('POST', '/v1/calendars', { name: 'Always', timeZone: 'UTC' })).json()
const network = (await admin('POST', '/v1/teams', { name: 'Network', deskId: 'IT' })).json()
const deskOla = (await admin('POST', '/v1/sla-policies', { name: 'Service Desk OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: w.teams.itServiceDesk }, calendarId: calendar.id, goalMinutes: minutes(60), pauseOn: ['pending'] })).json()
// Applicability keeps working: the Network OLA covers incidents only.
const networkOla = (await admin('POST', '/v1/sla-policies', { name: 'Network OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: network.id }, appliesTo: { types: ['incident'] }, calendarId: calendar.id, goalMinutes: minutes(120), pauseOn: ['pending'], warnAt: [50] })).json()

const agent = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => h.request(w.agentIT.token, { method, url, ...(payload !== undefined ? { payload } : {}) })
const assign = (ticketId: string, teamId: string | null) => agent('PATCH', `/v1/tickets/${ticketId}`, { teamId })
const move = (ticketId: string, to: string, extra: object = {}) => agent('POST', `/v1/tickets/${ticketId}/transitions`, { to, ...extra })
const olas = async (ticketId: string) => {
  const res = await agent('GET', `/v1/tickets/${ticketId}/sla`)
  t.equal(res.statusCode, 200)
  const clocks = res.json().data as Array<Record<string, any>>
  const byPolicy = (id: string) => clocks.find(c => c.policyId === id) as Record<string, any>
  return { desk: byPolicy(deskOla.id), network: byPolicy(networkOla.id), all: clocks }
}
const slaEvents = async (ticketId: string) =>
  ((await agent('GET', `/v1/tickets/${ticketId}/events?limit=200`)).json().data as Array<{ type: string, occurredAt: string, after: any }>).filter(e => e.type.startsWith('sla.'))

t.test('an OLA clock runs while its team holds the ticket; each assignment is a cycle', async (t) => {
  at('2026-06-01T10:00:00Z')
  const unassigned = (await agent('POST', '/v1/tickets', { type: 'incident', title: 'No team yet', deskId: 'IT', requesterId: w.requester.id })).json()
  t.same((await olas(unassigned.id)).all, [], 'no team holds it, no OLA runs')

  const ticket = (await agent('POST', '/v1/tickets', { type: 'incident', title: 'Switch down', deskId: 'IT', requesterId: w.requester.id, teamId: w.teams.itServiceDesk })).json()
  let clocks = await olas(ticket.id)
  t.match(clocks.desk, { state: 'running', kind: 'ola', startedAt: '2026-06-01T10:00:00.000Z', dueAt: '2026-06-01T11:00:00.000Z', goalMs: 60 * MIN })
  t.equal(clocks.network, undefined)

  at('2026-06-01T10:30:00Z')
  t.equal((await assign(ticket.id, network.id)).statusCode, 200)
  clocks = await olas(ticket.id)
  t.match(clocks.desk, { state: 'met', stoppedAt: '2026-06-01T10:30:00.000Z', businessElapsedMs: 30 * MIN }, 'leaving within the goal meets the cycle')
  t.match(clocks.network, { state: 'running', startedAt: '2026-06-01T10:30:00.000Z', dueAt: '2026-06-01T12:30:00.000Z' })

  at('2026-06-01T12:45:00Z')
  await assign(ticket.id, w.teams.itServiceDesk)
  clocks = await olas(ticket.id)
  t.match(clocks.network, { state: 'breached', breachedAt: '2026-06-01T12:30:00.000Z', stoppedAt: '2026-06-01T12:45:00.000Z', businessRemainingMs: -15 * MIN }, 'a breached cycle stays breached')
  t.match(clocks.desk, { state: 'running', startedAt: '2026-06-01T12:45:00.000Z', businessElapsedMs: 0, dueAt: '2026-06-01T13:45:00.000Z' }, 'coming back starts a new cycle')
  t.match(clocks.desk.completedCycles, [{ cycle: 1, result: 'met', startedAt: '2026-06-01T10:00:00.000Z', stoppedAt: '2026-06-01T10:30:00.000Z' }])

  t.test('a stopped cycle still owes its warning and breach, fired once by the sweep', async (t) => {
    await h.app.services.clocks.sweep()
    await h.app.services.clocks.sweep()
    const fired = (await slaEvents(ticket.id)).filter(e => e.after.policyId === networkOla.id)
    t.same(fired.map(e => [e.type, e.occurredAt]), [['sla.warning', '2026-06-01T11:30:00.000Z'], ['sla.breached', '2026-06-01T12:30:00.000Z']])
    const met = (await slaEvents(ticket.id)).filter(e => e.type === 'sla.met')
    t.same(met.map(e => [e.after.policyId, e.after.teamId, e.occurredAt]), [[deskOla.id, w.teams.itServiceDesk, '2026-06-01T10:30:00.000Z']])
  })

  t.test('a team taking a pending ticket starts paused; unassigning ends the cycle', async (t) => {
    at('2026-06-01T13:00:00Z')
    await move(ticket.id, 'in_progress')
    await move(ticket.id, 'pending')
    at('2026-06-01T13:10:00Z')
    await assign(ticket.id, network.id)
    let clocks = await olas(ticket.id)
    t.match(clocks.desk, { state: 'met', businessElapsedMs: 15 * MIN, stoppedAt: '2026-06-01T13:10:00.000Z' })
    t.match(clocks.network, { state: 'paused', pauseReason: 'status:pending', startedAt: '2026-06-01T13:10:00.000Z', businessElapsedMs: 0 })
    t.match(clocks.network.completedCycles, [{ cycle: 1, result: 'breached' }])
    at('2026-06-01T13:40:00Z')
    await move(ticket.id, 'in_progress')
    const pauses = (await slaEvents(ticket.id)).filter(e => e.after.policyId === networkOla.id && (e.type === 'sla.paused' || e.type === 'sla.resumed'))
    t.same(pauses.map(e => [e.type, e.occurredAt, e.after.cycle]), [['sla.paused', '2026-06-01T13:10:00.000Z', 2], ['sla.resumed', '2026-06-01T13:40:00.000Z', 2]], 'the new cycle says it starts paused before it resumes')
    at('2026-06-01T14:00:00Z')
    await assign(ticket.id, null)
    clocks = await olas(ticket.id)
    t.match(clocks.network, { state: 'met', businessElapsedMs: 20 * MIN, stoppedAt: '2026-06-01T14:00:00.000Z', pauses: [{ from: '2026-06-01T13:10:00.000Z', to: '2026-06-01T13:40:00.000Z', reason: 'status:pending' }] })
    t.equal(clocks.desk.state, 'met', 'the other team\'s clock is not touched')
  })

  t.test('a status change does not move the clock of a team that does not hold the ticket', async (t) => {
    at('2026-06-01T14:10:00Z')
    await assign(ticket.id, w.teams.itServiceDesk)
    at('2026-06-01T14:20:00Z')
    await move(ticket.id, 'pending')
    const clocks = await olas(ticket.id)
    t.equal(clocks.desk.state, 'paused')
    t.match(clocks.network, { stoppedAt: '2026-06-01T14:00:00.000Z', pauses: [{ to: '2026-06-01T13:40:00.000Z' }] }, 'the Network cycle ended at 14:00 and stays as it was')
    t.equal(clocks.network.pauses.length, 1)
    at('2026-06-01T14:30:00Z')
    await move(ticket.id, 'in_progress')
  })

  t.test('resolving stops the holder\'s cycle; a team that takes the resolved ticket starts on reopen', async (t) => {
    at('2026-06-01T14:40:00Z')
    await move(ticket.id, 'resolved', { resolution: 'fixed' })
    t.match((await olas(ticket.id)).desk, { state: 'met', stoppedAt: '2026-06-01T14:40:00.000Z', businessElapsedMs: 20 * MIN })
    at('2026-06-01T15:00:00Z')
    await assign(ticket.id, network.id)
    t.equal((await olas(ticket.id)).network.stoppedAt, '2026-06-01T14:00:00.000Z', 'nothing starts on a resolved ticket')
    at('2026-06-01T15:30:00Z')
    await move(ticket.id, 'in_progress')
    const clocks = await olas(ticket.id)
    t.match(clocks.network, { state: 'running', startedAt: '2026-06-01T15:30:00.000Z', completedCycles: [{ cycle: 1 }, { cycle: 2, result: 'met' }] })
    t.equal(clocks.desk.stoppedAt, '2026-06-01T14:40:00.000Z', 'the former holder does not restart on reopen')
  })
})

t.test('a ticket outside a team OLA\'s applicability gets no clock from that team', async (t) => {
  at('2026-06-02T10:00:00Z')
  const problem = (await agent('POST', '/v1/tickets', { type: 'problem', title: 'Recurring drops', deskId: 'IT', requesterId: w.requester.id, teamId: network.id })).json()
  t.same((await olas(problem.id)).all, [])
  at('2026-06-02T10:10:00Z')
  await assign(problem.id, w.teams.itServiceDesk)
  t.match((await olas(problem.id)).all, [{ policyId: deskOla.id, startedAt: '2026-06-02T10:10:00.000Z', state: 'running' }])
})

t.test('simulate names the OLA of the team given, and none without a team', async (t) => {
  const simulate = (ticket: object) => agent('POST', '/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'IT', ...ticket }, startAt: '2026-06-03T10:00:00.000Z' })
  t.same((await simulate({ teamId: network.id })).json().clocks.map((c: any) => [c.name, c.dueAt]), [['Network OLA', '2026-06-03T12:00:00.000Z']])
  t.same((await simulate({})).json().clocks, [])
})

t.test('teams can be marked as suppliers, over REST and GraphQL, by admins only', async (t) => {
  const created = await admin('POST', '/v1/teams', { name: 'Laptop vendor', deskId: 'IT', supplier: true })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { name: 'Laptop vendor', supplier: true })
  t.equal((await admin('POST', '/v1/teams', { name: 'Plain', deskId: 'IT' })).json().supplier, false, 'internal by default')
  const renamed = await admin('PATCH', `/v1/teams/${created.json().id}`, { name: 'Laptop vendor GmbH' })
  t.match(renamed.json(), { name: 'Laptop vendor GmbH', supplier: true })
  t.equal((await agent('PATCH', `/v1/teams/${created.json().id}`, { supplier: false })).statusCode, 403)
  t.match((await admin('PATCH', `/v1/teams/${created.json().id}`, {})).json(), { status: 400 })
  t.match((await admin('PATCH', `/v1/teams/${created.json().id}`, { suplier: true })).json(), { status: 400 })
  t.equal((await admin('PATCH', '/v1/teams/00000000-0000-0000-0000-000000000000', { supplier: true })).statusCode, 404)
  t.equal((await agent('GET', `/v1/teams/${created.json().id}`)).json().supplier, true, 'unchanged by the refused calls')

  const gql = await h.gql(w.admin.token, 'mutation($id: ID!) { updateTeam(id: $id, input: { supplier: false }) { name supplier } }', { id: created.json().id })
  t.same(gql.body.data.updateTeam, { name: 'Laptop vendor GmbH', supplier: false })
  const made = await h.gql(w.admin.token, 'mutation { createTeam(input: { name: "Carrier", deskId: "IT", supplier: true }) { supplier desk { key } } }')
  t.same(made.body.data.createTeam, { supplier: true, desk: { key: 'IT' } })
  const denied = await h.gql(w.agentIT.token, 'mutation($id: ID!) { updateTeam(id: $id, input: { supplier: true }) { id } }', { id: created.json().id })
  t.equal(denied.body.errors?.[0]?.extensions.code, 'FORBIDDEN')
  const empty = await h.gql(w.admin.token, 'mutation($id: ID!) { updateTeam(id: $id, input: {}) { id } }', { id: created.json().id })
  t.equal(empty.body.errors?.[0]?.extensions.code, 'VALIDATION_FAILED')
})

t.test('a UC clock runs only while the supplier team it binds holds the ticket', async (t) => {
  const vendor = (await admin('POST', '/v1/teams', { name: 'Hardware vendor', deskId: 'IT', supplier: true })).json()
  const uc = { name: 'Vendor repair UC', kind: 'uc', metric: 'resolution', calendarId: calendar.id, goalMinutes: minutes(240) }
  t.match((await admin('POST', '/v1/sla-policies', { ...uc, counterparty: { teamId: w.teams.itServiceDesk } })).json(), { status: 400, errors: [{ path: '/counterparty/teamId' }] }, 'a UC binds a supplier')
  t.match((await admin('POST', '/v1/sla-policies', { ...uc, counterparty: { name: 'Vendor' } })).json(), { status: 400, errors: [{ path: '/counterparty/teamId' }] }, 'a name alone binds no team')
  t.match((await admin('POST', '/v1/sla-policies', { ...uc, kind: 'ola', counterparty: { teamId: vendor.id } })).json(), { status: 400, errors: [{ path: '/counterparty/teamId' }] }, 'an OLA binds an internal team')
  const policy = await admin('POST', '/v1/sla-policies', { ...uc, counterparty: { teamId: vendor.id, name: 'Hardware vendor Ltd' } })
  t.equal(policy.statusCode, 201)

  at('2026-06-04T10:00:00Z')
  const ticket = (await agent('POST', '/v1/tickets', { type: 'incident', title: 'Broken laptop', deskId: 'IT', requesterId: w.requester.id, teamId: w.teams.itServiceDesk })).json()
  const ucOf = async () => (await olas(ticket.id)).all.find(c => c.policyId === policy.json().id)
  t.equal(await ucOf(), undefined, 'no UC while the service desk holds it')
  at('2026-06-04T10:20:00Z')
  await assign(ticket.id, vendor.id)
  t.match(await ucOf(), { kind: 'uc', state: 'running', startedAt: '2026-06-04T10:20:00.000Z', dueAt: '2026-06-04T14:20:00.000Z' })
  t.match((await olas(ticket.id)).desk, { state: 'met', stoppedAt: '2026-06-04T10:20:00.000Z' }, 'the service desk\'s OLA cycle ended on handing over')
  at('2026-06-04T13:20:00Z')
  await assign(ticket.id, w.teams.itServiceDesk)
  t.match(await ucOf(), { state: 'met', businessElapsedMs: 180 * MIN, stoppedAt: '2026-06-04T13:20:00.000Z' })
  const requesterView = (await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla` })).json().data
  t.same(requesterView, [], 'requesters see neither OLA nor UC clocks')
})

t.test('a new clock that starts paused records sla.paused at its start', async (t) => {
  at('2026-06-10T08:00:00Z')
  const ticket = (await agent('POST', '/v1/tickets', { type: 'incident', title: 'Waiting on the user', deskId: 'IT', requesterId: w.requester.id })).json()
  await move(ticket.id, 'in_progress')
  await move(ticket.id, 'pending')
  at('2026-06-10T08:30:00Z')
  await assign(ticket.id, network.id)
  t.match((await olas(ticket.id)).network, { state: 'paused', startedAt: '2026-06-10T08:30:00.000Z', completedCycles: [] }, 'the team\'s first clock on this ticket')
  at('2026-06-10T09:00:00Z')
  await move(ticket.id, 'in_progress')
  const events = (await slaEvents(ticket.id)).filter(e => e.after.policyId === networkOla.id)
  t.same(events.map(e => [e.type, e.occurredAt, e.after.reason ?? null]), [['sla.paused', '2026-06-10T08:30:00.000Z', 'status:pending'], ['sla.resumed', '2026-06-10T09:00:00.000Z', null]])
})
