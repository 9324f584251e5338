import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Monday 1 June 2026, 10:00 UTC; the calendar is open around the clock.
const clock = fixedClock(new Date('2026-06-01T10:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const admin = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => h.request(w.admin.token, { method, url, ...(payload !== undefined ? { payload } : {}) })
const agent = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => h.request(w.agentIT.token, { method, url, ...(payload !== undefined ? { payload } : {}) })
const minutes = (n: number) => ({ p1: n, p2: n, p3: n, p4: n })
const MIN = 60_000

const calendar = (await admin('POST', '/v1/calendars', { name: 'Always', timeZone: 'UTC' })).json()
const base = { kind: 'sla', metric: 'resolution', calendarId: calendar.id, goalMinutes: minutes(120) }

t.test('conditions are checked and shown with the defaults filled in', async (t) => {
  const bad = await admin('POST', '/v1/sla-policies', { ...base, name: 'Bad', startOn: [{ on: 'status' }], stopOn: [{ on: 'agent_reply', teamIds: [w.teams.itServiceDesk] }], resetOn: [{ on: 'team_assigned', teamIds: ['00000000-0000-0000-0000-000000000000'] }] })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['/resetOn/0/teamIds/0', '/startOn/0/statuses', '/stopOn/0/teamIds'])
  t.equal((await admin('POST', '/v1/sla-policies', { ...base, name: 'Typo', startOn: [{ on: 'opened' }] })).statusCode, 400)
  t.equal((await admin('GET', '/v1/sla-policies')).json().data.length, 0, 'nothing was written')

  const plain = (await admin('POST', '/v1/sla-policies', { ...base, metric: 'first_response', name: 'Acknowledge' })).json()
  t.same([plain.startOn, plain.stopOn, plain.cancelOn, plain.resetOn], [
    [{ on: 'created' }],
    [{ on: 'agent_reply' }, { on: 'status_category', categories: ['resolved', 'closed'] }],
    [{ on: 'status', statuses: ['cancelled', 'rejected'] }],
    []
  ])
  const changed = (await admin('PATCH', `/v1/sla-policies/${plain.id}`, { resetOn: [{ on: 'requester_reply' }] })).json()
  t.match(changed, { version: 2, resetOn: [{ on: 'requester_reply' }], startOn: [{ on: 'created' }] })
  const versions = (await admin('GET', `/v1/sla-policies/${plain.id}/versions`)).json().data
  t.same(versions.map((v: any) => [v.version, v.definition.resetOn]), [[2, [{ on: 'requester_reply' }]], [1, []]])
  await admin('PATCH', `/v1/sla-policies/${plain.id}`, { active: false })
})

t.test('a clock starts, resets, stops and starts again on the policy\'s own events', async (t) => {
  const policy = (await admin('POST', '/v1/sla-policies', {
    ...base,
    name: 'Hands-on time',
    startOn: [{ on: 'status', statuses: ['in_progress'] }],
    stopOn: [{ on: 'status_category', categories: ['resolved'] }],
    resetOn: [{ on: 'team_assigned', teamIds: [w.teams.itServiceDesk] }]
  })).json()
  const clockOf = async (ticketId: string) => ((await agent('GET', `/v1/tickets/${ticketId}/sla`)).json().data as any[]).find(c => c.policyId === policy.id)
  const move = (ticketId: string, to: string, extra: object = {}) => agent('POST', `/v1/tickets/${ticketId}/transitions`, { to, ...extra })

  at('2026-06-01T10:00:00Z')
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Slow laptop', deskId: 'IT' } })).json()
  t.equal(await clockOf(ticket.id), undefined, 'not started on open')
  at('2026-06-01T10:10:00Z')
  await move(ticket.id, 'in_progress')
  t.match(await clockOf(ticket.id), { state: 'running', startedAt: '2026-06-01T10:10:00.000Z', dueAt: '2026-06-01T12:10:00.000Z', policyVersion: 1 })

  at('2026-06-01T10:40:00Z')
  await agent('PATCH', `/v1/tickets/${ticket.id}`, { teamId: w.teams.itServiceDesk })
  let view = await clockOf(ticket.id)
  t.match(view, { state: 'running', startedAt: '2026-06-01T10:40:00.000Z', businessElapsedMs: 0 }, 'reset: the next cycle starts at once')
  t.match(view.completedCycles, [{ cycle: 1, result: 'met', businessElapsedMs: 30 * MIN, stoppedAt: '2026-06-01T10:40:00.000Z' }])

  at('2026-06-01T11:00:00Z')
  await move(ticket.id, 'pending')
  at('2026-06-01T11:05:00Z')
  await move(ticket.id, 'in_progress')
  t.equal((await clockOf(ticket.id)).startedAt, '2026-06-01T10:40:00.000Z', 'a start event leaves a running cycle alone')

  at('2026-06-01T11:30:00Z')
  await move(ticket.id, 'resolved', { resolution: 'fixed' })
  t.match(await clockOf(ticket.id), { state: 'met', stoppedAt: '2026-06-01T11:30:00.000Z', businessElapsedMs: 50 * MIN })
  const met = ((await agent('GET', `/v1/tickets/${ticket.id}/events?limit=200`)).json().data as any[]).filter(e => e.type === 'sla.met' && e.after.policyId === policy.id)
  t.same(met.map(e => e.occurredAt), ['2026-06-01T11:30:00.000Z'], 'sla.met for the stop (a reset ends a cycle without it)')

  at('2026-06-01T12:00:00Z')
  await move(ticket.id, 'in_progress')
  view = await clockOf(ticket.id)
  t.match(view, { state: 'running', startedAt: '2026-06-01T12:00:00.000Z' }, 'entering in_progress again starts a new cycle')
  t.same(view.completedCycles.map((c: any) => c.result), ['met', 'met'])
})

t.test('GraphQL reads and writes the conditions', async (t) => {
  const created = await h.gql(w.admin.token, `mutation($cal: ID) { createSlaPolicy(input: { name: "Approval wait", kind: SLA, metric: RESOLUTION, goalMinutes: { p1: 60, p2: 60, p3: 60, p4: 60 }, calendarId: $cal,
    startOn: [{ on: STATUS_CATEGORY, categories: [PENDING] }], cancelOn: [{ on: TEAM_ASSIGNED }] }) { startOn { on categories } stopOn { on categories } cancelOn { on teamIds } resetOn { on } } }`, { cal: calendar.id })
  t.same(created.body.data.createSlaPolicy, {
    startOn: [{ on: 'STATUS_CATEGORY', categories: ['PENDING'] }],
    stopOn: [{ on: 'STATUS_CATEGORY', categories: ['RESOLVED', 'CLOSED'] }],
    cancelOn: [{ on: 'TEAM_ASSIGNED', teamIds: null }],
    resetOn: []
  })
  const bad = await h.gql(w.admin.token, 'mutation { createSlaPolicy(input: { name: "x", kind: SLA, metric: RESOLUTION, goalMinutes: { p1: 1, p2: 1, p3: 1, p4: 1 }, calendarSource: DESK, startOn: [{ on: STATUS }] }) { id } }')
  t.equal(bad.body.errors?.[0]?.extensions.code, 'VALIDATION_FAILED')
})
