import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)

t.test('a requester opens an incident, an agent comments and moves it through its workflow', async (t) => {
  const ticket = await openTicket(h, w.requester.token, { title: 'VPN down', impact: 'high', urgency: 'high' })
  t.match(ticket, { key: /^IT-\d+$/, status: 'new', statusCategory: 'new', priority: 'p1', requesterId: w.requester.id, version: 1 })

  const note = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.key}/comments`, payload: { body: 'Checking the gateway', visibility: 'internal' } })
  t.equal(note.statusCode, 201)

  const start = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'in_progress' } })
  t.equal(start.statusCode, 200)
  t.equal(start.json().status, 'in_progress')

  const resolve = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'resolved', resolution: 'fixed' } })
  t.match(resolve.json(), { status: 'resolved', statusCategory: 'resolved', resolution: 'fixed' })
  t.ok(resolve.json().resolvedAt)

  const asRequester = await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.key}/comments` })
  t.same(asRequester.json().data, [], 'the internal note never reaches the requester')
  const asAgent = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.key}/comments` })
  t.equal(asAgent.json().data.length, 1)

  const events = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })
  t.same(events.json().data.map((e: { type: string }) => e.type), ['ticket.created', 'comment.added', 'ticket.status_changed', 'ticket.status_changed'])
  const requesterEvents = await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })
  t.same(requesterEvents.json().data.map((e: { type: string }) => e.type), ['ticket.created', 'ticket.status_changed', 'ticket.status_changed'])

  const gql = await h.gql(w.requester.token, 'query($key: String) { ticket(key: $key) { key status resolution requester { id } comments { edges { node { body } } } } }', { key: ticket.key })
  t.same(gql.body.data.ticket, { key: ticket.key, status: 'resolved', resolution: 'FIXED', requester: { id: w.requester.id }, comments: { edges: [] } })
})
