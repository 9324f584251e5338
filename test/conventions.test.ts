import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const h = await buildTestApp(t, { env: { CORS_ORIGINS: 'https://portal.example.com', BODY_LIMIT_BYTES: '4096' } })
const w = await seedWorld(h)
const problemType = 'application/problem+json; charset=utf-8'

t.test('validation errors are problem+json naming each field, and change nothing', async (t) => {
  const before = (await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?includeTotal=true' })).json().total
  const res = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'bogus', deskId: 'IT', priorty: 'p1' } })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['content-type'], problemType)
  const body = res.json()
  t.match(body, { type: /problems\/validation-failed$/, title: 'Invalid request', status: 400, code: 'VALIDATION_FAILED' })
  t.ok(body.errors.some((e: { path: string }) => e.path === '/priorty'), 'the typo is named')
  t.notOk(JSON.stringify(body).includes(' at '), 'no stack trace')
  t.equal((await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?includeTotal=true' })).json().total, before)
})

t.test('a requester writing a field they may not gets 400 naming it, never a silent drop', async (t) => {
  const res = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'x', deskId: 'IT', priority: 'p1', assigneeId: w.agentIT.id, status: 'closed' } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'FIELD_NOT_WRITABLE')
  t.same(res.json().errors.map((e: { path: string }) => e.path).sort(), ['/assigneeId', '/priority', '/status'])
  const agentStatus = await h.request(w.agentIT.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'x', deskId: 'IT', status: 'closed' } })
  t.equal(agentStatus.statusCode, 400, 'status is never writable, even for agents')
  t.match(agentStatus.json().errors, [{ path: '/status', message: /transitions/ }])
})

t.test('agents open tickets on behalf of a requester and override priority; the matrix applies otherwise', async (t) => {
  const res = await h.request(w.agentIT.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Phoned in', deskId: 'IT', requesterId: w.requester.id, channel: 'phone', impact: 'low', urgency: 'low', teamId: w.teams.itServiceDesk, assigneeId: w.agentIT.id } })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { requesterId: w.requester.id, priority: 'p4', priorityOverridden: false, channel: 'phone', assigneeId: w.agentIT.id })
  const id = res.json().id
  const raised = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${id}`, payload: { impact: 'high', urgency: 'high' } })
  t.match(raised.json(), { priority: 'p1', priorityOverridden: false })
  const overridden = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${id}`, payload: { priority: 'p3' } })
  t.match(overridden.json(), { priority: 'p3', priorityOverridden: true })
  const kept = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${id}`, payload: { urgency: 'low' } })
  t.match(kept.json(), { priority: 'p3', priorityOverridden: true }, 'an override survives matrix changes')
  const cleared = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${id}`, payload: { priority: null } })
  t.match(cleared.json(), { priority: 'p3', priorityOverridden: false }, 'back to the matrix: high impact, low urgency')
  const wrongTeam = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${id}`, payload: { teamId: w.teams.hrPeople, assigneeId: w.agentHR.id } })
  t.equal(wrongTeam.statusCode, 400)
  t.same(wrongTeam.json().errors.map((e: { path: string }) => e.path), ['/teamId', '/assigneeId'])
  const events = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${id}/events` })).json().data
  const update = events.find((e: { type: string }) => e.type === 'ticket.updated')
  t.same(update.before, { impact: 'low', urgency: 'low', priority: 'p4' })
  t.same(update.after, { impact: 'high', urgency: 'high', priority: 'p1' })
  t.equal(update.actorId, w.agentIT.id)
})

t.test('objects the caller may not see, and malformed ids, answer 404', async (t) => {
  for (const url of ['/v1/tickets/not-a-uuid', '/v1/tickets/00000000-0000-0000-0000-000000000000', '/v1/tickets/IT-999999', '/v1/desks/NOPE', '/v1/teams/xyz', '/v1/users/123']) {
    const res = await h.request(w.admin.token, { method: 'GET', url })
    t.equal(res.statusCode, 404, url)
    t.equal(res.headers['content-type'], problemType)
  }
  const unknownRoute = await h.request(w.admin.token, { method: 'GET', url: '/v1/nothing-here' })
  t.equal(unknownRoute.statusCode, 404)
  t.equal(unknownRoute.headers['content-type'], problemType)
})

t.test('limit and cursor are validated', async (t) => {
  for (const limit of ['0', '-1', 'abc', '201']) {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?limit=${limit}` })
    t.equal(res.statusCode, 400, `limit=${limit}`)
  }
  t.equal((await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?limit=200' })).statusCode, 200)
  for (const cursor of ['garbage!!', Buffer.from('[1,2,3,4,5]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?cursor=${cursor}` })
    t.equal(res.statusCode, 400, `cursor ${cursor}`)
    t.equal(res.json().code, 'INVALID_CURSOR')
  }
  const eventsCursor = await h.request(w.admin.token, { method: 'GET', url: `/v1/desks?cursor=${Buffer.from('["x","y"]').toString('base64url')}` })
  t.equal(eventsCursor.statusCode, 400)
})

t.test('filters: simple parameters and RSQL compile to the same result; unknown fields are refused', async (t) => {
  await openTicket(h, w.requester.token, { title: 'Filter high', impact: 'high', urgency: 'high', tags: ['vpn', 'network'] })
  await openTicket(h, w.requester.token, { title: 'Filter low', impact: 'low', urgency: 'low', tags: ['printer'] })
  const keys = async (query: string) => {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?limit=200&${query}` })
    t.equal(res.statusCode, 200, query)
    return (res.json().data as Array<{ key: string }>).map(x => x.key).sort()
  }
  t.same(await keys('priority=p1,p2&deskId=IT'), await keys('filter=' + encodeURIComponent('priority=le=p2;deskId==IT')))
  t.same(await keys('tag=printer'), await keys('filter=' + encodeURIComponent('tag==printer')))
  const either = await keys('filter=' + encodeURIComponent('tag==printer,tag==vpn'))
  t.equal(either.length, (await keys('tag=printer')).length + (await keys('tag=vpn')).length)
  t.ok((await keys('assigneeId=none')).length > 0)
  t.same(await keys('requesterId=me&deskId=HR'), [])
  for (const bad of ['filter=nosuch==1', 'filter=' + encodeURIComponent('priority=like=p1'), 'filter=' + encodeURIComponent('((('), 'priority=p9', 'sort=title', 'status=new&filter=' + encodeURIComponent('createdAt=gt=yesterday')]) {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?${bad}` })
    t.equal(res.statusCode, 400, bad)
    t.match(res.json().code, /INVALID_FILTER|VALIDATION_FAILED/)
  }
})

t.test('fields narrows and expand inlines related objects', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const narrow = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}?fields=key,status` })
  t.same(narrow.json(), { id: ticket.id, key: ticket.key, status: 'new' })
  const expanded = await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tickets?deskId=IT&limit=3&expand=requester,assignee' })
  for (const item of expanded.json().data) {
    t.equal(item.requester.id, item.requesterId)
    t.equal(item.assignee?.id ?? null, item.assigneeId)
  }
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}?fields=nope` })).statusCode, 400)
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}?expand=desk,secrets` })).statusCode, 400)
})

t.test('201 with Location, ETag on every ticket response, 412 on a stale If-Match', async (t) => {
  const res = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'problem', title: 'Root cause', deskId: 'IT' } })
  t.equal(res.statusCode, 201)
  t.equal(res.headers.location, `/v1/tickets/${res.json().id}`)
  t.equal(res.headers.etag, '"1"')
  t.equal((await h.request(w.requester.token, { method: 'GET', url: res.headers.location as string })).statusCode, 200)
  const stale = await h.request(w.requester.token, { method: 'PATCH', url: res.headers.location as string, headers: { 'if-match': '"7"' }, payload: { title: 'x' } })
  t.equal(stale.statusCode, 412)
  t.same(stale.json().details, { currentVersion: 1 })
  const fresh = await h.request(w.requester.token, { method: 'PATCH', url: res.headers.location as string, headers: { 'if-match': '"1"' }, payload: { title: 'Root cause found' } })
  t.equal(fresh.statusCode, 200)
  t.equal(fresh.headers.etag, '"2"')
})

t.test('illegal transitions answer 409 with the allowed ones', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const res = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'closed' } })
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 'TICKET_INVALID_TRANSITION', details: { from: 'new', allowed: ['in_progress', 'resolved', 'cancelled'] } })
})

t.test('a requester reply on a pending ticket moves it back to in_progress; closed is final', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  for (const to of ['in_progress', 'pending']) await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to } })
  await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'Here is the info' } })
  t.equal((await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json().status, 'in_progress')
  const resolved = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'resolved', resolution: 'workaround' } })
  t.equal(resolved.json().status, 'resolved')
  const reopened = await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'in_progress', comment: 'Still broken' } })
  t.match(reopened.json(), { status: 'in_progress', resolution: null, resolvedAt: null })
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'resolved', resolution: 'fixed' } })
  const closed = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'closed' } })
  t.match(closed.json(), { status: 'closed', statusCategory: 'closed', resolution: 'fixed' })
  t.same((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/transitions` })).json().data, [])
  t.equal((await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'late' } })).statusCode, 409)
})

t.test('oversized bodies answer 413 problem+json', async (t) => {
  const res = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', deskId: 'IT', title: 'big', description: 'x'.repeat(10_000) } })
  t.equal(res.statusCode, 413)
  t.equal(res.headers['content-type'], problemType)
  t.equal(res.json().code, 'PAYLOAD_TOO_LARGE')
})

t.test('CORS allows the configured portal origin only', async (t) => {
  const allowed = await h.request(null, { method: 'OPTIONS', url: '/v1/tickets', headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'POST' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://portal.example.com')
  const denied = await h.request(null, { method: 'OPTIONS', url: '/v1/tickets', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } })
  t.notOk(denied.headers['access-control-allow-origin'])
})

t.test('links: both directions are listed and duplicates refused', async (t) => {
  const incident = await openTicket(h, w.requester.token)
  const problem = await openTicket(h, w.agentIT.token, { type: 'problem', title: 'Flaky VPN concentrator' })
  const link = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${incident.id}/links`, payload: { targetTicketId: problem.key, kind: 'caused_by' } })
  t.equal(link.statusCode, 201)
  t.equal((await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${incident.id}/links`, payload: { targetTicketId: problem.key, kind: 'caused_by' } })).statusCode, 409)
  t.match((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${problem.id}/links` })).json().data, [{ targetTicketId: incident.id, direction: 'inward', kind: 'caused_by' }])
  t.equal((await h.request(w.agentIT.token, { method: 'DELETE', url: `/v1/tickets/${problem.id}/links/${link.json().id}` })).statusCode, 204)
  t.same((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${incident.id}/links` })).json().data, [])
})
