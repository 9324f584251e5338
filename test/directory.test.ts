import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const as = (token: string) => ({
  get: (url: string) => h.request(token, { method: 'GET', url }),
  post: (url: string, payload: object) => h.request(token, { method: 'POST', url, payload }),
  patch: (url: string, payload: object) => h.request(token, { method: 'PATCH', url, payload }),
  del: (url: string) => h.request(token, { method: 'DELETE', url })
})
const admin = as(w.admin.token)
const agent = as(w.agentIT.token)
const requester = as(w.requester.token)

t.test('desks: read by id or key, change, and duplicate keys refused', async (t) => {
  t.equal((await requester.get('/v1/desks/it')).json().id, w.desks.IT, 'keys are case-insensitive')
  t.equal((await requester.get(`/v1/desks/${w.desks.IT}`)).json().key, 'IT')
  t.equal((await requester.get('/v1/desks')).json().data.length, 2)
  t.equal((await agent.patch('/v1/desks/IT', { name: 'x' })).statusCode, 403)
  t.equal((await admin.patch('/v1/desks/IT', { name: 'IT Help' })).json().name, 'IT Help')
  t.equal((await admin.patch('/v1/desks/NOPE', { name: 'x' })).statusCode, 404)
  const dup = await admin.post('/v1/desks', { key: 'IT', name: 'Again' })
  t.equal(dup.statusCode, 409)
  t.equal(dup.json().code, 'DESK_KEY_TAKEN')
  t.equal((await admin.post('/v1/desks', { key: 'it-lower', name: 'x' })).statusCode, 400)
})

t.test('desk lists page with cursors', async (t) => {
  for (const key of ['FAC', 'FIN', 'LEG']) await admin.post('/v1/desks', { key, name: key })
  const first = await requester.get('/v1/desks?limit=2')
  t.equal(first.json().data.length, 2)
  t.match(first.headers.link, /rel="next"/)
  const second = await requester.get(`/v1/desks?limit=2&cursor=${first.json().nextCursor}`)
  const third = await requester.get(`/v1/desks?limit=2&cursor=${second.json().nextCursor}`)
  const keys = [...first.json().data, ...second.json().data, ...third.json().data].map((d: { key: string }) => d.key)
  t.same(keys, ['IT', 'HR', 'FAC', 'FIN', 'LEG'])
  t.equal(third.json().nextCursor, null)
})

t.test('teams: read, list by desk, members added and removed', async (t) => {
  t.equal((await agent.get(`/v1/teams/${w.teams.itServiceDesk}`)).json().name, 'Service Desk')
  t.equal((await requester.get(`/v1/teams/${w.teams.itServiceDesk}`)).statusCode, 404, 'requesters see only their own teams')
  t.same((await agent.get('/v1/teams?deskId=HR')).json().data.map((x: { id: string }) => x.id), [w.teams.hrPeople])
  t.equal((await agent.get('/v1/teams?deskId=NOPE')).statusCode, 404)
  t.same((await agent.get(`/v1/teams/${w.teams.itServiceDesk}/members`)).json().data.map((u: { id: string }) => u.id), [w.agentIT.id])
  t.equal((await admin.post('/v1/teams', { name: 'x', deskId: 'NOPE' })).statusCode, 404)
  t.equal((await admin.post(`/v1/teams/${w.teams.itServiceDesk}/members`, { userId: '00000000-0000-0000-0000-000000000000' })).statusCode, 404)

  // Adding the HR agent to an IT team lets them work IT tickets at once; removing them stops it.
  const ticket = await openTicket(h, w.requester.token)
  t.equal((await as(w.agentHR.token).get(`/v1/tickets/${ticket.id}`)).statusCode, 404)
  t.equal((await admin.post(`/v1/teams/${w.teams.itServiceDesk}/members`, { userId: w.agentHR.id })).statusCode, 201)
  t.equal((await as(w.agentHR.token).get(`/v1/tickets/${ticket.id}`)).statusCode, 200)
  t.equal((await admin.del(`/v1/teams/${w.teams.itServiceDesk}/members/${w.agentHR.id}`)).statusCode, 204)
  t.equal((await as(w.agentHR.token).get(`/v1/tickets/${ticket.id}`)).statusCode, 404)
  t.equal((await admin.del(`/v1/teams/${w.teams.itServiceDesk}/members/${w.agentHR.id}`)).statusCode, 404)
})

t.test('users and organisations: admins set the attributes later rules need', async (t) => {
  t.equal((await requester.get(`/v1/users/${w.requester.id}`)).statusCode, 200, 'anyone reads themself')
  t.equal((await requester.get(`/v1/users/${w.agentIT.id}`)).statusCode, 404)
  t.equal((await agent.get(`/v1/users/${w.requester.id}`)).statusCode, 200)
  const users = await agent.get('/v1/users?limit=200')
  t.ok(users.json().data.length >= 5)

  const org = await admin.post('/v1/organizations', { name: 'ACME Corp' })
  t.equal(org.statusCode, 201)
  t.equal((await admin.post('/v1/organizations', { name: 'ACME Corp' })).statusCode, 409)
  const orgId = org.json().id
  const updated = await admin.patch(`/v1/users/${w.requester.id}`, { organizationId: orgId, managerId: w.agentIT.id, department: 'Sales', location: 'Berlin' })
  t.match(updated.json(), { organizationId: orgId, managerId: w.agentIT.id, department: 'Sales', location: 'Berlin' })
  t.match((await requester.get('/v1/me')).json(), { organizationId: orgId, department: 'Sales' })
  t.equal((await requester.get(`/v1/organizations/${orgId}`)).statusCode, 200, 'members read their own organisation')
  t.equal((await as(w.otherRequester.token).get(`/v1/organizations/${orgId}`)).statusCode, 404)
  t.equal((await agent.get('/v1/organizations')).json().data[0].name, 'ACME Corp')
  t.equal((await admin.patch(`/v1/users/${w.requester.id}`, { organizationId: '00000000-0000-0000-0000-000000000000' })).statusCode, 404)
  t.equal((await admin.patch(`/v1/users/${w.requester.id}`, { managerId: '00000000-0000-0000-0000-000000000000' })).statusCode, 404)
  t.equal((await admin.patch('/v1/users/not-a-user', { department: 'x' })).statusCode, 404)
  t.equal((await admin.patch(`/v1/users/${w.requester.id}`, {})).statusCode, 400, 'an empty change is refused')
})

t.test('participants can be removed, by the requester or by themselves', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  await requester.post(`/v1/tickets/${ticket.id}/participants`, { userId: w.otherRequester.id })
  t.same((await requester.get(`/v1/tickets/${ticket.id}/participants`)).json().data.map((u: { id: string }) => u.id), [w.otherRequester.id])
  t.equal((await as(w.otherRequester.token).del(`/v1/tickets/${ticket.id}/participants/${w.otherRequester.id}`)).statusCode, 204)
  t.equal((await as(w.otherRequester.token).get(`/v1/tickets/${ticket.id}`)).statusCode, 404, 'and then no longer see it')
  t.equal((await requester.del(`/v1/tickets/${ticket.id}/participants/${w.otherRequester.id}`)).statusCode, 404)
  t.equal((await requester.post(`/v1/tickets/${ticket.id}/participants`, { userId: '00000000-0000-0000-0000-000000000000' })).statusCode, 400)
})

t.test('GraphQL: directory queries, links, parents, participants', async (t) => {
  const desk = await h.gql(w.requester.token, '{ desk(id: "IT") { key } missing: desk(id: "NOPE") { key } }')
  t.same(desk.body.data, { desk: { key: 'IT' }, missing: null })
  const team = await h.gql(w.agentIT.token, 'query($id: ID!) { team(id: $id) { name desk { key } } }', { id: w.teams.itServiceDesk })
  t.same(team.body.data.team, { name: 'Service Desk', desk: { key: 'IT' } })
  const user = await h.gql(w.requester.token, 'query($a: ID!, $b: ID!) { self: user(id: $a) { id } other: user(id: $b) { id } }', { a: w.requester.id, b: w.agentIT.id })
  t.same(user.body.data, { self: { id: w.requester.id }, other: null })

  const problem = await openTicket(h, w.agentIT.token, { type: 'problem', title: 'Root cause' })
  const child = await openTicket(h, w.agentIT.token, { title: 'Child incident', parentId: problem.id })
  const linked = await h.gql(w.agentIT.token, 'mutation($a: ID!, $b: ID!) { linkTickets(ticketId: $a, targetTicketId: $b, kind: CAUSED_BY) { id kind direction target { key } } }', { a: child.id, b: problem.id })
  t.match(linked.body.data.linkTickets, { kind: 'CAUSED_BY', direction: 'OUTWARD', target: { key: problem.key } })
  const read = await h.gql(w.agentIT.token, 'query($id: ID!) { ticket(id: $id) { parent { key } links { targetKey } } }', { id: child.id })
  t.same(read.body.data.ticket, { parent: { key: problem.key }, links: [{ targetKey: problem.key }] })
  const unlinked = await h.gql(w.agentIT.token, 'mutation($a: ID!, $l: ID!) { unlinkTickets(ticketId: $a, linkId: $l) }', { a: child.id, l: linked.body.data.linkTickets.id })
  t.same(unlinked.body.data, { unlinkTickets: true })

  const added = await h.gql(w.agentIT.token, 'mutation($t: ID!, $u: ID!) { addParticipant(ticketId: $t, userId: $u) { id } }', { t: child.id, u: w.requester.id })
  t.equal(added.body.data.addParticipant.id, w.requester.id)
  const parts = await h.gql(w.requester.token, 'query($id: ID!) { ticket(id: $id) { participants { id } parent { key } } }', { id: child.id })
  t.same(parts.body.data.ticket, { participants: [{ id: w.requester.id }], parent: null }, 'the parent problem is not visible to the requester')
  const removed = await h.gql(w.agentIT.token, 'mutation($t: ID!, $u: ID!) { removeParticipant(ticketId: $t, userId: $u) }', { t: child.id, u: w.requester.id })
  t.same(removed.body.data, { removeParticipant: true })

  const member = await h.gql(w.admin.token, 'mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) }', { t: w.teams.hrPeople, u: w.agentHR.id })
  t.same(member.body.data, { removeTeamMember: true })
})
