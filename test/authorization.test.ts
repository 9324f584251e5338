import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld, type World } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
type Caller = 'requester' | 'otherRequester' | 'agentIT' | 'agentHR' | 'admin'
const callers: Caller[] = ['requester', 'otherRequester', 'agentIT', 'agentHR', 'admin']
const tokenOf = (c: Caller) => (w as unknown as Record<Caller, World['admin']>)[c].token

/** Each operation runs on a fresh ticket opened by `requester` in the IT desk. */
interface Case { name: string, expect: Record<Caller, number>, run: (as: string, ticket: { id: string, key: string }) => Promise<{ statusCode: number }> }
const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => (as: string) => h.request(as, { method, url, ...(payload ? { payload } : {}) })
const seeOwn = { requester: 200, otherRequester: 404, agentIT: 200, agentHR: 404, admin: 200 }

const cases: Case[] = [
  { name: 'read the ticket', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.key}`)(as) },
  { name: 'change its title', expect: seeOwn, run: (as, tk) => req('PATCH', `/v1/tickets/${tk.id}`, { title: 'New title' })(as) },
  { name: 'override its priority', expect: { requester: 400, otherRequester: 404, agentIT: 200, agentHR: 404, admin: 200 }, run: (as, tk) => req('PATCH', `/v1/tickets/${tk.id}`, { priority: 'p1' })(as) },
  { name: 'assign it', expect: { requester: 400, otherRequester: 404, agentIT: 200, agentHR: 404, admin: 200 }, run: (as, tk) => req('PATCH', `/v1/tickets/${tk.id}`, { assigneeId: w.agentIT.id })(as) },
  { name: 'list its transitions', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.id}/transitions`)(as) },
  { name: 'start work on it', expect: { requester: 409, otherRequester: 404, agentIT: 200, agentHR: 404, admin: 200 }, run: (as, tk) => req('POST', `/v1/tickets/${tk.id}/transitions`, { to: 'in_progress' })(as) },
  { name: 'cancel it while new', expect: seeOwn, run: (as, tk) => req('POST', `/v1/tickets/${tk.id}/transitions`, { to: 'cancelled' })(as) },
  { name: 'comment publicly', expect: { requester: 201, otherRequester: 404, agentIT: 201, agentHR: 404, admin: 201 }, run: (as, tk) => req('POST', `/v1/tickets/${tk.id}/comments`, { body: 'hello' })(as) },
  { name: 'write an internal note', expect: { requester: 403, otherRequester: 404, agentIT: 201, agentHR: 404, admin: 201 }, run: (as, tk) => req('POST', `/v1/tickets/${tk.id}/comments`, { body: 'note', visibility: 'internal' })(as) },
  { name: 'read comments', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.id}/comments`)(as) },
  { name: 'read the timeline', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.id}/events`)(as) },
  { name: 'add a participant', expect: { requester: 201, otherRequester: 404, agentIT: 201, agentHR: 404, admin: 201 }, run: (as, tk) => req('POST', `/v1/tickets/${tk.id}/participants`, { userId: w.agentHR.id })(as) },
  { name: 'read participants', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.id}/participants`)(as) },
  { name: 'read links', expect: seeOwn, run: (as, tk) => req('GET', `/v1/tickets/${tk.id}/links`)(as) }
]

for (const c of cases) {
  t.test(`who may ${c.name}`, async (t) => {
    for (const caller of callers) {
      const ticket = await openTicket(h, w.requester.token)
      const res = await c.run(tokenOf(caller), ticket)
      t.equal(res.statusCode, c.expect[caller], `${caller}: ${(res as { body?: string }).body ?? ''}`)
    }
  })
}

t.test('who may link tickets', async (t) => {
  const expect: Record<Caller, number> = { requester: 403, otherRequester: 404, agentIT: 201, agentHR: 404, admin: 201 }
  for (const caller of callers) {
    const a = await openTicket(h, w.requester.token)
    const b = await openTicket(h, w.requester.token)
    const res = await h.request(tokenOf(caller), { method: 'POST', url: `/v1/tickets/${a.id}/links`, payload: { targetTicketId: b.key, kind: 'relates_to' } })
    t.equal(res.statusCode, expect[caller], caller)
  }
})

t.test('functions a role never has answer 403', async (t) => {
  const adminOnly: Array<[string, string, object?]> = [
    ['POST', '/v1/desks', { key: 'FAC', name: 'Facilities' }],
    ['POST', '/v1/teams', { name: 'x', deskId: 'IT' }],
    ['POST', '/v1/organizations', { name: 'ACME' }],
    ['POST', '/v1/api-keys', { name: 'bot', role: 'agent' }],
    ['GET', '/v1/api-keys'],
    ['PATCH', `/v1/users/${w.requester.id}`, { department: 'Sales' }]
  ]
  for (const [method, url, payload] of adminOnly) {
    for (const caller of ['requester', 'agentIT'] as const) {
      const res = await h.request(tokenOf(caller), { method: method as 'POST', url, ...(payload ? { payload } : {}) })
      t.equal(res.statusCode, 403, `${caller} ${method} ${url}`)
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.equal(res.json().code, 'FORBIDDEN')
    }
  }
  for (const url of ['/v1/users', '/v1/teams', '/v1/organizations']) {
    t.equal((await h.request(w.requester.token, { method: 'GET', url })).statusCode, 403, `requester GET ${url}`)
    t.equal((await h.request(w.agentIT.token, { method: 'GET', url })).statusCode, 200, `agent GET ${url}`)
  }
})

t.test('lists and search show each caller only what they may see, and never internal notes to requesters', async (t) => {
  const secret = 'zebracornsecret'
  const ticket = await openTicket(h, w.requester.token, { title: 'Printer jam on floor three' })
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: `internal ${secret} diagnosis`, visibility: 'internal' } })
  const hrTicket = await openTicket(h, w.otherRequester.token, { deskId: 'HR', title: 'Payslip question' })

  const keysFor = async (caller: Caller, query: string) => {
    const res = await h.request(tokenOf(caller), { method: 'GET', url: `/v1/tickets?limit=200&${query}` })
    t.equal(res.statusCode, 200)
    return (res.json().data as Array<{ key: string }>).map(x => x.key)
  }
  t.ok((await keysFor('requester', '')).includes(ticket.key))
  t.notOk((await keysFor('requester', '')).includes(hrTicket.key))
  t.notOk((await keysFor('otherRequester', '')).includes(ticket.key))
  t.ok((await keysFor('otherRequester', '')).includes(hrTicket.key))
  t.ok((await keysFor('agentIT', '')).includes(ticket.key))
  t.notOk((await keysFor('agentIT', '')).includes(hrTicket.key))
  t.notOk((await keysFor('agentHR', '')).includes(ticket.key))
  t.ok((await keysFor('admin', '')).includes(hrTicket.key))

  t.same(await keysFor('requester', `q=${secret}`), [], 'a requester cannot find a ticket by its internal note')
  t.same(await keysFor('agentIT', `q=${secret}`), [ticket.key], 'the desk agent can')
  t.same(await keysFor('admin', `q=${secret}`), [ticket.key])
  t.same(await keysFor('requester', 'q=printer'), [ticket.key], 'title search works for the requester')

  const gqlSearch = async (caller: Caller, q: string) => (await h.gql(tokenOf(caller), 'query($q: String) { tickets(filter: { q: $q }) { edges { node { key } } } }', { q })).body.data.tickets.edges.map((e: { node: { key: string } }) => e.node.key)
  t.same(await gqlSearch('requester', secret), [])
  t.same(await gqlSearch('agentIT', secret), [ticket.key])
})

t.test('GraphQL: nested fields respect the same visibility', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'internal only', visibility: 'internal' } })
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'public reply' } })
  const query = `query($key: String) { ticket(key: $key) { key comments { edges { node { body visibility author { id } } } }
    events { edges { node { type internal after } } } transitions { to } } }`
  const asRequester = await h.gql(w.requester.token, query, { key: ticket.key })
  t.same(asRequester.body.data.ticket.comments.edges.map((e: any) => e.node.body), ['public reply'])
  t.notOk(JSON.stringify(asRequester.body).includes('internal only'), 'no trace of the internal note anywhere in the response')
  t.same(asRequester.body.data.ticket.transitions.map((x: any) => x.to), ['cancelled'])
  const asAgent = await h.gql(w.agentIT.token, query, { key: ticket.key })
  t.same(asAgent.body.data.ticket.comments.edges.map((e: any) => e.node.visibility), ['INTERNAL', 'PUBLIC'])
  for (const caller of ['otherRequester', 'agentHR'] as const) {
    const res = await h.gql(tokenOf(caller), query, { key: ticket.key })
    t.equal(res.body.data.ticket, null, `${caller} sees null, as for a missing ticket`)
  }
  const missing = await h.gql(w.admin.token, query, { key: 'IT-999999' })
  t.equal(missing.body.data.ticket, null)
})

t.test('GraphQL mutations enforce the same rules as REST', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const internal = await h.gql(w.requester.token, 'mutation($id: ID!) { addComment(ticketId: $id, input: { body: "x", visibility: INTERNAL }) { id } }', { id: ticket.id })
  t.equal(internal.body.errors?.[0]?.extensions.code, 'FORBIDDEN')
  const priority = await h.gql(w.requester.token, 'mutation($id: ID!) { updateTicket(id: $id, input: { priority: P1 }) { priority } }', { id: ticket.id })
  t.equal(priority.body.errors?.[0]?.extensions.code, 'FIELD_NOT_WRITABLE')
  t.same(priority.body.errors?.[0]?.extensions.errors, [{ path: '/priority', message: 'is not writable by your role' }])
  const hidden = await h.gql(w.agentHR.token, 'mutation($id: ID!) { transitionTicket(id: $id, to: "in_progress") { status } }', { id: ticket.id })
  t.equal(hidden.body.errors?.[0]?.extensions.code, 'TICKET_NOT_FOUND')
  const ok = await h.gql(w.agentIT.token, 'mutation($id: ID!) { transitionTicket(id: $id, to: "in_progress") { status } }', { id: ticket.id })
  t.same(ok.body.data, { transitionTicket: { status: 'in_progress' } })
  const desk = await h.gql(w.agentIT.token, 'mutation { createDesk(input: { key: "FIN", name: "Finance" }) { id } }')
  t.equal(desk.body.errors?.[0]?.extensions.code, 'FORBIDDEN')
})

t.test('a participant may see and comment publicly, but not write internal notes', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  t.equal((await h.request(w.otherRequester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).statusCode, 404)
  const add = await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/participants`, payload: { userId: w.otherRequester.id } })
  t.equal(add.statusCode, 201)
  t.equal((await h.request(w.otherRequester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).statusCode, 200)
  t.equal((await h.request(w.otherRequester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'me too' } })).statusCode, 201)
  t.equal((await h.request(w.otherRequester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'x', visibility: 'internal' } })).statusCode, 403)
  const list = await h.request(w.otherRequester.token, { method: 'GET', url: '/v1/tickets?limit=200' })
  t.ok(list.json().data.some((x: { id: string }) => x.id === ticket.id), 'the watched ticket is in their list')
})

t.test('requests without a valid token answer 401 problem+json', async (t) => {
  const none = await h.request(null, { method: 'GET', url: '/v1/tickets' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer')
  t.equal(none.json().code, 'UNAUTHENTICATED')
  const gql = await h.gql(null, '{ me { id } }')
  t.equal(gql.status, 401)
  t.equal((await h.request(null, { method: 'GET', url: '/healthz' })).statusCode, 200, 'health needs no token')
})
