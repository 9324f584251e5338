import t from 'tap'
import { buildTestApp } from './helper.js'
import { seedWorld } from './world.js'

// Ticket pages and single tickets are read in their response shape straight from SQL
// (timestamps as text, no row mapping) while writes answer through toTicket: these tests hold
// both reads, byte for byte, to what the row mapping writes, so read-path optimisations cannot
// change what a client receives.
const h = await buildTestApp(t)
const w = await seedWorld(h)

const tricky = 'Say "hi" \\ back\n\ttab \u0001\u001f \u007f é 😀 \u2028 </script>'
// Raw create answers: these went through the row mapping (toTicket) and the Ticket serializer.
const createdBodies: string[] = []
async function open (body: Record<string, unknown>) {
  const res = await h.request(w.admin.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', deskId: 'IT', ...body } })
  if (res.statusCode !== 201) throw new Error(res.body)
  createdBodies.push(res.body)
  return res.json()
}
const opened = [
  await open({ title: tricky, description: `line one\r\nline two ${tricky}`, tags: ['a"b', 'ü', 'x\\y'] }),
  await open({ title: 'Plain', impact: 'high', urgency: 'low' }),
  await open({ title: 'With custom fields', fields: { laptop: 'X1 "Carbon"', count: 1.5, nested: { a: [1, null, true] } } }),
  await open({ title: 'Resolved one' })
]
const resolvedKey = opened[3].key as string
let lastTransition = ''
for (const to of [{ to: 'in_progress' }, { to: 'resolved', resolution: 'fixed' }]) {
  const res = await h.request(w.admin.token, { method: 'POST', url: `/v1/tickets/${resolvedKey}/transitions`, payload: to })
  if (res.statusCode !== 200) throw new Error(res.body)
  lastTransition = res.body
}

t.test('a single ticket is shown byte for byte as the row mapping writes it (create and transition answers)', async (t) => {
  // GET reads the ticket in its response shape straight from SQL; create and transitions map the row with toTicket.
  const written = [...createdBodies.slice(0, 3), lastTransition]
  for (const [i, ticket] of opened.entries()) {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets/${ticket.key}` })
    t.equal(res.statusCode, 200)
    t.equal(res.body.replace(',"sla":[]', ''), written[i], `ticket ${i}`)
  }
})

/** The page a client would get if every ticket went through the Ticket serializer. */
async function expectedPage (ids: string[], rest: string) {
  const items = []
  for (const id of ids) {
    const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets/${id}` })
    // A single ticket carries its clocks (none here); a page carries them only with expand=sla.
    if (!res.body.includes(',"sla":[]')) throw new Error(`no empty sla in ${res.body}`)
    items.push(res.body.replace(',"sla":[]', ''))
  }
  return `{"data":[${items.join(',')}],${rest}}`
}

t.test('a page of tickets is byte for byte the serializer\'s output, escapes and timestamps included', async (t) => {
  const raw = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?sort=createdAt&limit=2' })
  t.equal(raw.statusCode, 200)
  t.equal(raw.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(raw.body, await expectedPage([opened[0].id, opened[1].id], `"nextCursor":${JSON.stringify(raw.json().nextCursor)}`))
  t.match(raw.json().data[0], { title: tricky, tags: ['a"b', 'ü', 'x\\y'], fields: {} })

  const page = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?status=new,resolved&sort=createdAt' })
  t.equal(page.statusCode, 200)
  t.equal(page.headers['content-type'], 'application/json; charset=utf-8')
  const ids = page.json().data.map((x: { id: string }) => x.id)
  t.same(ids, opened.map(o => o.id))
  t.equal(page.body, await expectedPage(ids, '"nextCursor":null'))
  t.match(page.json().data[2], { fields: { laptop: 'X1 "Carbon"', count: 1.5, nested: { a: [1, null, true] } } })

  const resolved = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?status=resolved' })
  t.equal(resolved.body, await expectedPage([opened[3].id], '"nextCursor":null'))
  t.match(resolved.json().data[0], { status: 'resolved', resolution: 'fixed', resolvedAt: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/ })
})

t.test('pages with a cursor and a total keep their Link header and member order', async (t) => {
  const first = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?sort=createdAt&limit=2&includeTotal=true' })
  t.equal(first.statusCode, 200)
  const body = first.json()
  t.equal(body.total, 4)
  t.type(body.nextCursor, 'string')
  t.match(first.headers.link, /rel="next"/)
  t.equal(first.body, await expectedPage(body.data.map((x: { id: string }) => x.id), `"nextCursor":${JSON.stringify(body.nextCursor)},"total":4`))
  const second = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?sort=createdAt&limit=2&includeTotal=true&cursor=${body.nextCursor as string}` })
  t.same(second.json().data.map((x: { id: string }) => x.id), [opened[2].id, opened[3].id])
  t.equal(second.body, await expectedPage([opened[2].id, opened[3].id], '"nextCursor":null,"total":4'))
})

t.test('search results and shaped pages are written the same way as before', async (t) => {
  const search = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?q=plain' })
  t.equal(search.body, await expectedPage([opened[1].id], '"nextCursor":null'))
  const shaped = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?q=plain&fields=key,status' })
  t.same(shaped.json(), { data: [{ id: opened[1].id, key: opened[1].key, status: 'new' }], nextCursor: null })
  const expanded = await h.request(w.admin.token, { method: 'GET', url: '/v1/tickets?q=plain&expand=requester' })
  t.match(expanded.json().data[0], { id: opened[1].id, requester: { id: w.admin.id } })
  const empty = await h.request(w.requester.token, { method: 'GET', url: '/v1/tickets' })
  t.equal(empty.body, '{"data":[],"nextCursor":null}', 'a requester sees none of the admin\'s tickets')
})
