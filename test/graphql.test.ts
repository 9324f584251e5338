import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)

const pageQuery = `query($first: Int) { tickets(first: $first, filter: { deskId: ["IT"] }) {
  edges { node { key requester { id name } assignee { id } team { id name desk { key } } desk { key } } }
  pageInfo { hasNextPage endCursor } } }`

t.test('a page of tickets with requester, assignee and team costs a bounded number of statements', async (t) => {
  const requesters = [w.requester, w.otherRequester]
  for (let i = 0; i < 50; i++) {
    await h.request(w.agentIT.token, {
      method: 'POST',
      url: '/v1/tickets',
      payload: { type: 'incident', title: `Loader ${i}`, deskId: 'IT', requesterId: requesters[i % 2]!.id, teamId: w.teams.itServiceDesk, ...(i % 3 === 0 ? { assigneeId: w.agentIT.id } : {}) }
    })
  }
  await h.gql(w.agentIT.token, '{ me { id } }') // warm the principal cache
  const count = async (first: number) => {
    const before = h.app.database.statements.count
    const res = await h.gql(w.agentIT.token, pageQuery, { first })
    t.equal(res.status, 200)
    t.notOk(res.body.errors, JSON.stringify(res.body.errors))
    t.equal(res.body.data.tickets.edges.length, first)
    for (const { node } of res.body.data.tickets.edges) {
      t.ok(node.requester.id)
      t.equal(node.team.desk.key, 'IT')
    }
    return h.app.database.statements.count - before
  }
  const small = await count(5)
  const large = await count(50)
  t.equal(large, small, `statements do not grow with the page (5 → ${small}, 50 → ${large})`)
  t.ok(large <= 6, `a page costs at most 6 statements (list, requesters+assignees, teams, desks…): ${large}`)
})

t.test('Relay pagination walks every ticket once', async (t) => {
  const seen: string[] = []
  let after: string | null = null
  do {
    const res: { body: { data?: any } } = await h.gql(w.admin.token, 'query($after: String) { tickets(first: 20, after: $after, sort: [{ field: KEY, direction: ASC }]) { edges { node { key } } pageInfo { hasNextPage endCursor } totalCount } }', { after })
    const conn = res.body.data.tickets
    seen.push(...conn.edges.map((e: { node: { key: string } }) => e.node.key))
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null
    t.equal(conn.totalCount, 50)
  } while (after !== null)
  t.equal(seen.length, 50)
  t.equal(new Set(seen).size, 50)
  const numbers = seen.map(k => Number(k.split('-')[1]))
  t.same(numbers, [...numbers].sort((a, b) => a - b))
})

t.test('mutations: create, update with expectedVersion, transition, comment', async (t) => {
  const created = await h.gql(w.requester.token, 'mutation { createTicket(input: { type: INCIDENT, title: "Laptop broken", deskId: "IT", impact: HIGH, urgency: MEDIUM }, idempotencyKey: "gql-1") { id key priority status version } }')
  t.match(created.body.data.createTicket, { priority: 'P2', status: 'new', version: 1 })
  const replay = await h.gql(w.requester.token, 'mutation { createTicket(input: { type: INCIDENT, title: "Laptop broken", deskId: "IT", impact: HIGH, urgency: MEDIUM }, idempotencyKey: "gql-1") { id } }')
  t.equal(replay.body.data.createTicket.id, created.body.data.createTicket.id, 'replayed')
  const id = created.body.data.createTicket.id
  const stale = await h.gql(w.agentIT.token, 'mutation($id: ID!) { updateTicket(id: $id, input: { title: "x" }, expectedVersion: 5) { id } }', { id })
  t.equal(stale.body.errors?.[0]?.extensions.code, 'VERSION_MISMATCH')
  t.equal(stale.body.errors?.[0]?.extensions.status, 412)
  const updated = await h.gql(w.agentIT.token, 'mutation($id: ID!, $a: ID) { updateTicket(id: $id, input: { assigneeId: $a }, expectedVersion: 1) { version assignee { id } } }', { id, a: w.agentIT.id })
  t.same(updated.body.data.updateTicket, { version: 2, assignee: { id: w.agentIT.id } })
  const unassigned = await h.gql(w.agentIT.token, 'mutation($id: ID!) { updateTicket(id: $id, input: { assigneeId: null }) { assignee { id } } }', { id })
  t.same(unassigned.body.data.updateTicket, { assignee: null }, 'null clears')
  const illegal = await h.gql(w.agentIT.token, 'mutation($id: ID!) { transitionTicket(id: $id, to: "closed") { status } }', { id })
  t.match(illegal.body.errors?.[0]?.extensions, { code: 'TICKET_INVALID_TRANSITION', status: 409, details: { allowed: ['in_progress', 'resolved', 'cancelled'] } })
  const resolved = await h.gql(w.agentIT.token, 'mutation($id: ID!) { transitionTicket(id: $id, to: "resolved", resolution: FIXED) { status resolution } }', { id })
  t.same(resolved.body.data.transitionTicket, { status: 'resolved', resolution: 'FIXED' })
  const comment = await h.gql(w.agentIT.token, 'mutation($id: ID!) { addComment(ticketId: $id, input: { body: "done", visibility: INTERNAL }) { body visibility author { id } } }', { id })
  t.same(comment.body.data.addComment, { body: 'done', visibility: 'INTERNAL', author: { id: w.agentIT.id } })
  const events = await h.gql(w.agentIT.token, 'query($id: ID!) { ticket(id: $id) { events { edges { node { type actor { id } } } } } }', { id })
  t.same(events.body.data.ticket.events.edges.map((e: any) => e.node.type), ['ticket.created', 'ticket.updated', 'ticket.updated', 'ticket.status_changed', 'comment.added'])
})

t.test('typed filters compile like REST filters', async (t) => {
  const rest = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?priority=p1,p2&type=incident&limit=200' })
  const gql = await h.gql(w.admin.token, '{ tickets(first: 200, filter: { priority: [P1, P2], type: [INCIDENT] }) { edges { node { id } } } }')
  t.same(gql.body.data.tickets.edges.map((e: any) => e.node.id).sort(), rest.json().data.map((x: any) => x.id).sort())
  const rsql = await h.gql(w.admin.token, '{ tickets(first: 200, filter: { rsql: "priority=le=p2;type==incident" }) { edges { node { id } } } }')
  t.same(rsql.body.data.tickets.edges.length, rest.json().data.length)
  const bad = await h.gql(w.admin.token, '{ tickets(filter: { rsql: "nosuch==1" }) { edges { node { id } } } }')
  t.equal(bad.body.errors?.[0]?.extensions.code, 'INVALID_FILTER')
  const tooMany = await h.gql(w.admin.token, '{ tickets(first: 500) { edges { node { id } } } }')
  t.ok(tooMany.body.errors?.length)
})

t.test('depth and cost limits refuse abusive queries before running them', async (t) => {
  const deep = await h.gql(w.admin.token, '{ tickets { edges { node { links { target { links { target { links { target { links { target { parent { parent { key } } } } } } } } } } } } } }')
  t.equal(deep.status, 400)
  t.match(deep.body.errors?.[0]?.message ?? '', /depth/i)
  const before = h.app.database.statements.count
  const costly = await h.gql(w.admin.token, '{ tickets(first: 200) { edges { node { comments(first: 200) { edges { node { body author { id } } } } events(first: 200) { edges { node { type } } } } } } }')
  t.equal(costly.status, 400)
  t.equal(costly.body.errors?.[0]?.extensions.code, 'QUERY_TOO_COSTLY')
  t.equal(h.app.database.statements.count, before, 'nothing ran')
})

t.test('GraphQL over GET works for queries', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const res = await h.request(w.requester.token, { method: 'GET', url: `/graphql?query=${encodeURIComponent(`{ ticket(key: "${ticket.key}") { key } }`)}` })
  t.equal(res.statusCode, 200)
  t.same(res.json().data, { ticket: { key: ticket.key } })
})

t.test('desks and teams over GraphQL', async (t) => {
  const desks = await h.gql(w.requester.token, '{ desks { edges { node { key name } } } }')
  t.same(desks.body.data.desks.edges.map((e: any) => e.node.key).sort(), ['HR', 'IT'])
  const created = await h.gql(w.admin.token, 'mutation { createDesk(input: { key: "FAC", name: "Facilities" }) { id key } }')
  t.equal(created.body.data.createDesk.key, 'FAC')
  const team = await h.gql(w.admin.token, 'mutation { createTeam(input: { name: "Maintenance", deskId: "FAC" }) { id desk { key } } }')
  t.equal(team.body.data.createTeam.desk.key, 'FAC')
  const member = await h.gql(w.admin.token, 'mutation($t: ID!, $u: ID!) { addTeamMember(teamId: $t, userId: $u) { id } }', { t: team.body.data.createTeam.id, u: w.agentHR.id })
  t.equal(member.body.data.addTeamMember.id, w.agentHR.id)
  const me = await h.gql(w.agentHR.token, '{ me { id roles deskIds } }')
  t.equal(me.body.data.me.deskIds.length, 2, 'membership takes effect at once')
  t.same(me.body.data.me.roles, ['AGENT'])
  const dup = await h.gql(w.admin.token, 'mutation { createDesk(input: { key: "FAC", name: "Again" }) { id } }')
  t.equal(dup.body.errors?.[0]?.extensions.code, 'DESK_KEY_TAKEN')
})
