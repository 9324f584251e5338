import t from 'tap'
import { buildTestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const create = (key: string, body: object, as = w.requester.token) => h.request(as, {
  method: 'POST', url: '/v1/tickets', headers: { 'idempotency-key': key }, payload: { type: 'incident', deskId: 'IT', ...body }
})
const count = async (title: string) => {
  const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/tickets?limit=200&includeTotal=true&q=${encodeURIComponent(title)}` })
  return res.json().total as number
}

t.test('a retry with the same Idempotency-Key and body replays the first response', async (t) => {
  const first = await create('key-replay', { title: 'Replay alpha' })
  t.equal(first.statusCode, 201)
  const again = await create('key-replay', { title: 'Replay alpha' })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.headers.location, first.headers.location)
  t.same(again.json(), first.json())
  t.equal(await count('Replay alpha'), 1)
})

t.test('the same key with a different body answers 422 and creates nothing', async (t) => {
  await create('key-differs', { title: 'Differs bravo' })
  const other = await create('key-differs', { title: 'Differs charlie' })
  t.equal(other.statusCode, 422)
  t.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED')
  t.equal(await count('charlie'), 0)
})

t.test('keys are scoped to the caller', async (t) => {
  const mine = await create('shared-key', { title: 'Scoped delta' })
  const theirs = await create('shared-key', { title: 'Scoped delta' }, w.otherRequester.token)
  t.equal(theirs.statusCode, 201)
  t.notOk(theirs.headers['idempotent-replayed'])
  t.not(theirs.json().id, mine.json().id)
})

t.test('a request that fails validation is not stored', async (t) => {
  const bad = await create('key-invalid', { title: 'Invalid echo', deskId: 'NOPE' })
  t.equal(bad.statusCode, 400)
  const good = await create('key-invalid', { title: 'Invalid echo' })
  t.equal(good.statusCode, 201)
  t.notOk(good.headers['idempotent-replayed'])
})

t.test('10 concurrent requests with one key create exactly one ticket', async (t) => {
  const results = await Promise.all(Array.from({ length: 10 }, () => create('key-concurrent', { title: 'Concurrent foxtrot' })))
  const statuses = results.map(r => r.statusCode)
  t.ok(statuses.every(s => s === 201 || s === 409), `only 201 or 409: ${statuses.join(',')}`)
  const ids = new Set(results.filter(r => r.statusCode === 201).map(r => r.json().id))
  t.equal(ids.size, 1, 'every success names the same ticket')
  for (const r of results.filter(r => r.statusCode === 409)) t.equal(r.json().code, 'IDEMPOTENCY_KEY_IN_FLIGHT')
  t.equal(await count('Concurrent foxtrot'), 1)
})

t.test('concurrent creates get unique keys that rise with creation order', async (t) => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', deskId: 'IT', title: `Parallel ${i}` } })))
  const keys = results.map(r => r.json().key as string)
  t.equal(new Set(keys).size, 20)
  const sequential = await openTicket(h, w.requester.token)
  const numbers = keys.map(k => Number(k.split('-')[1]))
  t.ok(numbers.every(n => n < Number(sequential.key.split('-')[1])), 'a later ticket gets a higher number')
})

t.test('If-Match: of two writers holding the same version, exactly one wins and the other gets 412', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const got = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })
  const etag = got.headers.etag as string
  t.equal(etag, '"1"')
  const [a, b] = await Promise.all(['First', 'Second'].map(title => h.request(w.agentIT.token, {
    method: 'PATCH', url: `/v1/tickets/${ticket.id}`, headers: { 'if-match': etag }, payload: { title }
  })))
  t.same([a!.statusCode, b!.statusCode].sort(), [200, 412])
  const loser = a!.statusCode === 412 ? a! : b!
  t.equal(loser.json().code, 'VERSION_MISMATCH')
  const winner = a!.statusCode === 200 ? a! : b!
  t.equal(winner.headers.etag, '"2"')
  const after = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })
  t.equal(after.json().title, winner.json().title)
  t.equal(after.json().version, 2)
})

t.test('pagination returns every ticket exactly once while tickets are being created', async (t) => {
  const desk = await h.request(w.admin.token, { method: 'POST', url: '/v1/desks', payload: { key: 'PAGE', name: 'Paging desk' } })
  t.equal(desk.statusCode, 201)
  const existing = new Set<string>()
  for (let i = 0; i < 45; i++) existing.add((await openTicket(h, w.requester.token, { deskId: 'PAGE', title: `Page ${i}` })).id)
  for (const sort of ['-createdAt', 'createdAt', '-priority,updatedAt', 'key']) {
    const seen: string[] = []
    let url: string | null = `/v1/tickets?deskId=PAGE&limit=7&sort=${sort}`
    let writer = 0
    while (url !== null) {
      const res = await h.request(w.admin.token, { method: 'GET', url })
      t.equal(res.statusCode, 200)
      const body = res.json()
      seen.push(...body.data.map((x: { id: string }) => x.id))
      // Another client creates tickets between page reads.
      await openTicket(h, w.requester.token, { deskId: 'PAGE', title: `Interleaved ${sort} ${writer++}` })
      url = body.nextCursor === null ? null : (res.headers.link as string).match(/<([^>]+)>/)![1]!
    }
    t.equal(new Set(seen).size, seen.length, `${sort}: no ticket twice`)
    for (const id of existing) t.ok(seen.includes(id), `${sort}: ${id} seen`)
  }
})
