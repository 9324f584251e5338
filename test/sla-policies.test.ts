import t from 'tap'
import { buildTestApp } from './helper.js'
import { seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const post = (url: string, payload: object, as = w.admin.token) => h.request(as, { method: 'POST', url, payload })

const calendar = (await post('/v1/calendars', {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '17:00' })),
  holidays: [{ date: '2026-12-25', name: 'Christmas' }]
})).json()
const goals = { p1: 240, p2: 360, p3: 480, p4: 960 }

t.test('admins create policies; references and rules are checked, naming each problem', async (t) => {
  const bad = await post('/v1/sla-policies', { name: 'Broken', kind: 'ola', metric: 'resolution', goalMinutes: goals, calendarId: '00000000-0000-0000-0000-000000000000', appliesTo: { deskIds: ['NOPE'] }, warnAt: [90, 75] })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['/appliesTo/deskIds/0', '/calendarId', '/counterparty/teamId', '/warnAt'])
  t.equal((await post('/v1/sla-policies', { name: 'x', kind: 'sla', metric: 'resolution', goalMinutes: goals, calendarId: calendar.id }, w.agentIT.token)).statusCode, 403)
  t.equal((await post('/v1/sla-policies', { name: 'x', kind: 'sla', metric: 'resolution', goalMinutes: { p1: 1 }, calendarId: calendar.id })).statusCode, 400, 'a goal per priority')
  const ghost = await post('/v1/sla-policies', { name: 'x', kind: 'ola', metric: 'resolution', goalMinutes: goals, calendarId: calendar.id, counterparty: { teamId: '00000000-0000-0000-0000-000000000000' } })
  t.match(ghost.json(), { status: 400, errors: [{ path: '/counterparty/teamId' }] }, 'an OLA binds a team that exists')
})

t.test('simulate: the first matching policy per kind and metric applies, due instants skip nights, weekends and holidays', async (t) => {
  const itIncidents = await post('/v1/sla-policies', { name: 'IT incident resolution', kind: 'sla', metric: 'resolution', goalMinutes: goals, calendarId: calendar.id, appliesTo: { deskIds: ['IT'], types: ['incident'] }, pauseOn: ['pending'], warnAt: [75, 90] })
  t.equal(itIncidents.statusCode, 201)
  t.match(itIncidents.json(), { position: 0, version: 1, active: true, appliesTo: { deskIds: [w.desks.IT] }, calendarSource: 'policy' })
  const fallback = await post('/v1/sla-policies', { name: 'Everything else', kind: 'sla', metric: 'resolution', goalMinutes: goals, calendarId: calendar.id })
  t.equal(fallback.json().position, 1)
  const ola = await post('/v1/sla-policies', { name: 'Service Desk OLA', kind: 'ola', metric: 'first_response', counterparty: { teamId: w.teams.itServiceDesk }, goalMinutes: { p1: 15, p2: 30, p3: 60, p4: 120 }, calendarSource: 'desk' })
  t.equal(ola.statusCode, 201)

  // Thursday 24 December 2026, 15:00 in Berlin; Friday is a holiday, then the weekend.
  const startAt = '2026-12-24T14:00:00.000Z'
  const it = await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'IT', teamId: w.teams.itServiceDesk, impact: 'medium', urgency: 'medium' }, startAt }, w.agentIT.token)
  t.equal(it.statusCode, 200)
  t.equal(it.json().priority, 'p3')
  t.same(it.json().clocks.map((c: { name: string }) => c.name), ['IT incident resolution', 'Service Desk OLA'])
  t.match(it.json().clocks[0], { kind: 'sla', metric: 'resolution', goalMs: 8 * 3600_000, dueAt: '2026-12-28T14:00:00.000Z', calendarId: calendar.id, timeZone: 'Europe/Berlin', policyVersion: 1 })
  t.match(it.json().clocks[1], { kind: 'ola', metric: 'first_response', goalMs: 3600_000, dueAt: '2026-12-24T15:00:00.000Z', calendarId: null, timeZone: 'UTC' }, 'a desk without a calendar is open around the clock')

  const p1 = await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'IT', priority: 'p1' }, startAt }, w.agentIT.token)
  t.equal(p1.json().clocks[0].dueAt, '2026-12-28T10:00:00.000Z', '2 h on Thursday, 2 h on Monday from 09:00 Berlin')

  const hr = await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'HR' }, startAt }, w.agentIT.token)
  t.same(hr.json().clocks.map((c: { name: string }) => c.name), ['Everything else'], 'an OLA applies only while its team holds the ticket')

  t.equal((await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'IT' }, startAt }, w.requester.token)).statusCode, 403)
  t.equal((await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'NOPE' }, startAt }, w.agentIT.token)).statusCode, 400)
})

t.test('each change is a new version; deactivated policies stop applying', async (t) => {
  const policies = (await h.request(w.agentIT.token, { method: 'GET', url: '/v1/sla-policies' })).json().data
  const first = policies[0]
  const changed = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/sla-policies/${first.id}`, payload: { goalMinutes: { ...goals, p3: 600 } } })
  t.match(changed.json(), { version: 2, goalMinutes: { p3: 600 } })
  const off = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/sla-policies/${first.id}`, payload: { active: false } })
  t.match(off.json(), { version: 3, active: false })
  const versions = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/sla-policies/${first.id}/versions` })).json().data
  t.same(versions.map((v: { version: number, active: boolean }) => [v.version, v.active]), [[3, false], [2, true], [1, true]])
  t.equal(versions[2].definition.goalMinutes.p3, 480, 'old versions keep what they were')
  t.equal(versions[0].changedById, w.admin.id)
  const sim = await post('/v1/sla/simulate', { ticket: { type: 'incident', deskId: 'IT' }, startAt: '2026-12-24T14:00:00.000Z' }, w.agentIT.token)
  t.equal(sim.json().clocks[0].name, 'Everything else', 'the inactive policy no longer applies')
  t.equal((await h.request(w.admin.token, { method: 'PATCH', url: '/v1/sla-policies/nope', payload: { active: true } })).statusCode, 404)
  t.equal((await h.request(w.requester.token, { method: 'GET', url: '/v1/sla-policies' })).statusCode, 403)
})

t.test('GraphQL: policies, creation and simulation', async (t) => {
  const created = await h.gql(w.admin.token, `mutation($cal: ID) { createSlaPolicy(input: { name: "Changes", kind: SLA, metric: FIRST_RESPONSE,
    goalMinutes: { p1: 60, p2: 120, p3: 240, p4: 480 }, calendarId: $cal, appliesTo: { types: [CHANGE] } }) { id kind metric appliesTo { types } version } }`, { cal: calendar.id })
  t.match(created.body.data.createSlaPolicy, { kind: 'SLA', metric: 'FIRST_RESPONSE', appliesTo: { types: ['CHANGE'] }, version: 1 })
  const list = await h.gql(w.agentIT.token, '{ slaPolicies { name position active } }')
  t.equal(list.body.data.slaPolicies.length, 4)
  const sim = await h.gql(w.agentIT.token, '{ simulateSla(ticket: { type: CHANGE, deskId: "IT", priority: P1 }, startAt: "2026-12-24T14:00:00Z") { priority clocks { name metric dueAt timeZone } } }')
  t.same(sim.body.data.simulateSla.clocks.find((c: { name: string }) => c.name === 'Changes'), { name: 'Changes', metric: 'FIRST_RESPONSE', dueAt: '2026-12-24T15:00:00.000Z', timeZone: 'Europe/Berlin' })
  const updated = await h.gql(w.admin.token, 'mutation($id: ID!) { updateSlaPolicy(id: $id, input: { warnAt: [50, 80] }) { version warnAt } }', { id: created.body.data.createSlaPolicy.id })
  t.same(updated.body.data.updateSlaPolicy, { version: 2, warnAt: [50, 80] })
  const denied = await h.gql(w.agentIT.token, 'mutation { createSlaPolicy(input: { name: "x", kind: SLA, metric: RESOLUTION, goalMinutes: { p1: 1, p2: 1, p3: 1, p4: 1 } }) { id } }')
  t.equal(denied.body.errors?.[0]?.extensions.code, 'FORBIDDEN')
})
