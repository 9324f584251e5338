import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Clocks around the clock (no calendar), so every hour counts: easy to check by hand.
const clock = fixedClock(new Date('2026-06-01T00:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const admin = (url: string, payload: object) => h.request(w.admin.token, { method: 'POST', url, payload })
const get = (as: string, url: string) => h.request(as, { method: 'GET', url })
const created = async (url: string, payload: object) => {
  const res = await admin(url, payload)
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.body}`)
}

// p3 (the default priority): customer resolution 8 h, warning at 50 %; OLA 4 h, warning at 50 %.
await created('/v1/sla-policies', { name: 'Resolution', kind: 'sla', metric: 'resolution', goalMinutes: { p1: 60, p2: 240, p3: 480, p4: 960 }, calendarSource: 'desk', pauseOn: ['pending'], warnAt: [50, 75] })
await created('/v1/sla-policies', { name: 'Desk OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: w.teams.itServiceDesk }, goalMinutes: { p1: 30, p2: 120, p3: 240, p4: 480 }, calendarSource: 'desk', pauseOn: ['pending'], warnAt: [50] })

// OLA clocks run while their team holds the ticket: the desk hands each new ticket to it at once.
const open = async (title: string) => {
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title, deskId: 'IT' } })).json()
  const assigned = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { teamId: w.teams.itServiceDesk } })
  if (assigned.statusCode !== 200) throw new Error(assigned.body)
  return assigned.json()
}
const move = async (id: string, to: string, extra: object = {}) => {
  const res = await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${id}/transitions`, payload: { to, ...extra } })
  if (res.statusCode !== 200) throw new Error(`${to}: ${res.body}`)
}
const keys = async (as: string, query: string) => {
  const res = await get(as, `/v1/tickets?limit=200&${query}`)
  if (res.statusCode !== 200) throw new Error(`${query}: ${res.body}`)
  return (res.json().data as Array<{ key: string }>).map(r => r.key).sort()
}

at('2026-06-01T00:00:00Z')
const A = await open('A: opened first')
const D = await open('D: resolved early')
const E = await open('E: resolved late')
at('2026-06-01T01:00:00Z')
const B = await open('B: opened an hour later')
await move(D.id, 'resolved', { resolution: 'fixed' })
at('2026-06-01T02:00:00Z')
const C = await open('C: paused early')
at('2026-06-01T03:00:00Z')
await move(C.id, 'in_progress')
await move(C.id, 'pending')

t.test('slaState is exact at the request instant, over the clocks the caller may see', async (t) => {
  at('2026-06-01T04:00:00Z') // A's OLA is due now: reaching the goal exactly is not a breach
  t.same(await keys(w.agentIT.token, 'slaState=breached'), [])
  t.same(await keys(w.agentIT.token, 'slaState=at_risk'), [A.key, B.key, E.key].sort(), 'A and E at 4 h of 8 h (50 %), B\'s OLA at 3 h of 4 h')
  at('2026-06-01T04:00:00.001Z')
  t.same(await keys(w.agentIT.token, 'slaState=breached'), [A.key, E.key].sort(), 'one ms later the OLAs of A and E are breached, with no write in between')
  at('2026-06-01T04:30:00Z')
  t.same(await keys(w.agentIT.token, 'slaState=at_risk'), [A.key, B.key, E.key].sort(), 'a breached OLA does not hide an at-risk SLA clock')
  t.same(await keys(w.requester.token, 'slaState=breached'), [], 'requesters do not see OLA clocks, so nothing is breached for them')
  t.same(await keys(w.requester.token, 'slaState=at_risk'), [A.key, E.key].sort())
  t.same(await keys(w.agentIT.token, 'slaState=breached,at_risk'), [A.key, B.key, E.key].sort())
  t.same(await keys(w.agentIT.token, 'filter=slaState==breached'), [A.key, E.key].sort(), 'as RSQL')
  t.same(await keys(w.agentIT.token, 'filter=slaState=out=(breached,at_risk)'), [C.key, D.key].sort())
  t.same(await keys(w.agentIT.token, 'slaState=breached&filter=slaState!=at_risk'), [])
  t.same(await keys(w.otherRequester.token, 'slaState=at_risk'), [], 'nobody sees tickets they may not see')
  const total = await get(w.agentIT.token, '/v1/tickets?slaState=breached&includeTotal=true')
  t.equal(total.json().total, 2)
  for (const url of ['/v1/tickets?slaState=late', '/v1/tickets?filter=slaState=lt=breached', '/v1/tickets?sort=slaDue']) {
    const bad = await get(w.agentIT.token, url)
    t.equal(bad.statusCode, 400, url)
    t.match(bad.json(), { status: 400, code: 'INVALID_FILTER' })
  }

  at('2026-06-01T05:00:00Z')
  await move(E.id, 'resolved', { resolution: 'fixed' })
  at('2026-06-01T05:00:00.001Z')
  t.same(await keys(w.agentIT.token, 'slaState=breached'), [A.key, B.key, E.key].sort(), 'B\'s OLA breaches at 5 h; E stays breached after it stopped late')
  t.same(await keys(w.agentIT.token, 'slaState=at_risk'), [A.key, B.key], 'a stopped clock is never at risk; B\'s SLA reached 50 % at 05:00')
  t.same(await keys(w.requester.token, 'slaState=breached'), [])

  await move(C.id, 'in_progress') // C resumes after a pause: 1 h counted so far
  at('2026-06-01T08:00:00.002Z')
  t.same(await keys(w.agentIT.token, 'slaState=at_risk'), [B.key, C.key], 'A\'s SLA breached at 08:00; C counts its 4th hour 3 h after resuming')
  t.same(await keys(w.agentIT.token, 'slaState=breached'), [A.key, B.key, C.key, E.key].sort())
})

t.test('sort=slaDueAt orders by the nearest running due instant, tickets without one last, and pages exactly', async (t) => {
  const order = async (as: string, sort: string, limit: number) => {
    const seen: string[] = []
    let url: string | null = `/v1/tickets?limit=${limit}&sort=${sort}&fields=key`
    while (url !== null) {
      const res = await get(as, url)
      t.equal(res.statusCode, 200, res.body)
      seen.push(...res.json().data.map((r: { key: string }) => r.key))
      const next: string | null = res.json().nextCursor
      url = next === null ? null : `/v1/tickets?limit=${limit}&sort=${sort}&fields=key&cursor=${next}`
    }
    return seen
  }
  const unordered = (keys: string[]) => [...keys].sort()
  for (const limit of [200, 1, 2]) {
    // Running clocks: agents see the OLAs (A 04:00, B 05:00, C 08:00:00.001); requesters the
    // customer clocks (A 08:00, B 09:00, C 12:00:00.001). D and E have stopped: they come last.
    const agentAsc = await order(w.agentIT.token, 'slaDueAt', limit)
    t.same(agentAsc.slice(0, 3), [A.key, B.key, C.key], `ascending, page size ${limit}`)
    t.same(unordered(agentAsc.slice(3)), unordered([D.key, E.key]))
    const agentDesc = await order(w.agentIT.token, '-slaDueAt', limit)
    t.same(agentDesc.slice(0, 3), [C.key, B.key, A.key], `descending, page size ${limit}`)
    t.same(unordered(agentDesc.slice(3)), unordered([D.key, E.key]), 'without a running clock: last in either direction')
    const requester = await order(w.requester.token, 'slaDueAt,key', limit)
    t.same(requester, [A.key, B.key, C.key, ...[D.key, E.key].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))], 'then by the next key')
  }
  const tampered = Buffer.from(JSON.stringify(['1 or true', A.id])).toString('base64url')
  t.match((await get(w.agentIT.token, `/v1/tickets?sort=slaDueAt&cursor=${tampered}`)).json(), { status: 400, code: 'INVALID_CURSOR' })
})

t.test('GraphQL filters by slaState and sorts by SLA_DUE_AT', async (t) => {
  const query = `query($after: String) { tickets(first: 1, after: $after, filter: { slaState: [AT_RISK, BREACHED] }, sort: [{ field: SLA_DUE_AT, direction: ASC }]) {
    edges { node { key } } pageInfo { hasNextPage endCursor } } }`
  const seen: string[] = []
  let after: string | null = null
  do {
    const res: { body: { data?: any, errors?: unknown } } = await h.gql(w.agentIT.token, query, { after })
    t.notOk(res.body.errors, JSON.stringify(res.body.errors))
    seen.push(...res.body.data.tickets.edges.map((e: any) => e.node.key))
    after = res.body.data.tickets.pageInfo.hasNextPage ? res.body.data.tickets.pageInfo.endCursor : null
  } while (after !== null)
  t.same(seen, [A.key, B.key, C.key, E.key], 'nearest running due instant first; E (stopped late) last')
  const bad = await h.gql(w.agentIT.token, '{ tickets(filter: { slaState: [LATE] }) { edges { node { key } } } }')
  t.ok(bad.body.errors?.length)
})
