import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Monday 1 June 2026, 09:00 in Berlin (CEST, UTC+2).
const clock = fixedClock(new Date('2026-06-01T07:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const admin = (url: string, payload: object) => h.request(w.admin.token, { method: 'POST', url, payload })
const get = (as: string, url: string) => h.request(as, { method: 'GET', url })

const calendar = (await admin('/v1/calendars', {
  name: 'Berlin office', timeZone: 'Europe/Berlin', workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '17:00' }))
})).json()
await admin('/v1/sla-policies', { name: 'Resolution', kind: 'sla', metric: 'resolution', calendarId: calendar.id, goalMinutes: { p1: 240, p2: 360, p3: 480, p4: 960 }, pauseOn: ['pending'], warnAt: [50, 75] })
await admin('/v1/sla-policies', { name: 'Desk OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: w.teams.itServiceDesk }, calendarId: calendar.id, goalMinutes: { p1: 120, p2: 240, p3: 360, p4: 720 } })

// OLA clocks run while their team holds the ticket: the desk hands each new ticket to it at once.
const open = async (title: string) => {
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title, deskId: 'IT' } })).json()
  const assigned = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { teamId: w.teams.itServiceDesk } })
  if (assigned.statusCode !== 200) throw new Error(assigned.body)
  return assigned.json()
}

t.test('a ticket read by id or key carries the clocks the caller may see, as GET …/sla lists them', async (t) => {
  at('2026-06-01T07:00:00Z')
  const ticket = await open('Carries its clocks')
  at('2026-06-01T08:00:00Z')
  for (const [who, kinds] of [[w.agentIT.token, ['ola', 'sla']], [w.requester.token, ['sla']]] as const) {
    const res = await get(who, `/v1/tickets/${ticket.key}`)
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.same(body.sla.map((c: any) => c.kind), kinds)
    t.same(body.sla, (await get(who, `/v1/tickets/${ticket.id}/sla`)).json().data, 'the same items as GET …/sla')
    t.match(body.sla.find((c: any) => c.kind === 'sla'), { state: 'running', businessElapsedMs: 3600_000, dueAt: '2026-06-01T15:00:00.000Z' })
    // The clocks' text is written by their viewers, the rest by the route's serializer: the bytes
    // are the serializer's for GET …/sla, and the headers those of any ticket read.
    const listed = (await get(who, `/v1/tickets/${ticket.id}/sla`)).body
    t.ok(res.body.endsWith(`,"sla":${listed.slice('{"data":'.length, -1)}}`), 'the clocks written byte for byte as the serializer writes them')
    t.match(res.headers, { 'content-type': 'application/json; charset=utf-8', etag: `"${body.version}"` })
  }
  // Text beyond ASCII in the ticket's part is encoded as UTF-8 like the rest.
  const titled = await open('Drucker im 2. Stock – Störung 🖨')
  const read = await get(w.agentIT.token, `/v1/tickets/${titled.id}`)
  t.equal(read.json().title, 'Drucker im 2. Stock – Störung 🖨')
  t.equal(Number(read.headers['content-length']), read.rawPayload.length)
  t.equal(read.json().sla.length, 2)
  const expanded = (await get(w.agentIT.token, `/v1/tickets/${ticket.id}?expand=requester,team`)).json()
  t.match(expanded, { requester: { id: w.requester.id }, team: { id: w.teams.itServiceDesk }, sla: [{ kind: 'ola' }, { kind: 'sla' }] }, 'other expansions beside the clocks')
  t.notOk('sla' in (await get(w.agentIT.token, `/v1/tickets/${ticket.id}?fields=key,status`)).json(), 'fields= without sla leaves the clocks out')
  const narrowed = (await get(w.requester.token, `/v1/tickets/${ticket.id}?fields=key,sla`)).json()
  t.same(Object.keys(narrowed).sort(), ['id', 'key', 'sla'])
  t.equal(narrowed.sla.length, 1)
  t.equal((await get(w.otherRequester.token, `/v1/tickets/${ticket.id}`)).statusCode, 404)
})

t.test('lists carry clocks only with expand=sla, for the whole page in a bounded number of statements', async (t) => {
  at('2026-06-02T07:00:00Z')
  for (let i = 0; i < 30; i++) await open(`Page ${i}`)
  const plain = (await get(w.agentIT.token, '/v1/tickets?limit=5')).json()
  t.notOk(plain.data.some((row: any) => 'sla' in row))
  const count = async (limit: number) => {
    const before = h.app.database.statements.count
    const res = await get(w.agentIT.token, `/v1/tickets?limit=${limit}&expand=sla,requester`)
    t.equal(res.statusCode, 200)
    const rows = res.json().data
    t.equal(rows.length, limit)
    for (const row of rows) {
      t.same(row.sla.map((c: any) => c.kind), ['ola', 'sla'])
      t.ok(row.requester.id)
    }
    return h.app.database.statements.count - before
  }
  // The lower of two runs: principals are cached 5 s, and a loaded machine may outlast that.
  const small = Math.min(await count(3), await count(3))
  const large = Math.min(await count(30), await count(30))
  t.equal(large, small, `statements do not grow with the page (3 → ${small}, 30 → ${large})`)
  t.ok(large <= 5, `list, clocks, calendar, requesters: ${large}`)
  const requesterView = (await get(w.requester.token, '/v1/tickets?limit=3&expand=sla&fields=key,sla')).json().data
  t.ok(requesterView.every((row: any) => row.sla.length === 1 && row.sla[0].kind === 'sla' && Object.keys(row).length === 3), 'requesters see customer clocks only; fields= narrows')
  const bad = await get(w.agentIT.token, '/v1/tickets?expand=clocks')
  t.match(bad.json(), { status: 400, code: 'VALIDATION_FAILED' })
})

t.test('a ticket read again and again writes its clocks as GET …/sla lists them: across a day\'s end, a breach, a pause and a calendar change', async (t) => {
  const move = (ticketId: string, to: string) => h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticketId}/transitions`, payload: { to } })
  const same = async (ticketId: string, what: string) => {
    for (const who of [w.agentIT.token, w.requester.token]) {
      const read = await get(who, `/v1/tickets/${ticketId}`)
      const listed = (await get(who, `/v1/tickets/${ticketId}/sla`)).body
      t.ok(read.body.endsWith(`,"sla":${listed.slice('{"data":'.length, -1)}}`), `${what}: the same bytes`)
    }
    return (await get(w.agentIT.token, `/v1/tickets/${ticketId}`)).json().sla as Array<{ kind: string, state: string, businessElapsedMs: number, paused: boolean }>
  }
  at('2026-06-02T07:00:00Z')
  const ticket = await open('Read again and again')
  // Tuesday 09:00–17:00 Berlin is 07:00–15:00 UTC: the working stretch, then the evening.
  for (const iso of ['2026-06-02T07:00:00Z', '2026-06-02T10:00:00.123Z', '2026-06-02T14:59:59.999Z', '2026-06-02T15:00:00Z', '2026-06-02T20:00:00Z']) {
    at(iso)
    await same(ticket.id, iso)
  }
  // The SLA (p3: 8 h) was due at the day's end: breached since, its business time standing still.
  t.match((await same(ticket.id, 'evening')).find(c => c.kind === 'sla'), { state: 'breached', businessElapsedMs: 8 * 3600_000 })
  at('2026-06-03T07:00:00.001Z')
  t.match(await same(ticket.id, 'both breached'), [{ kind: 'ola', state: 'breached' }, { kind: 'sla', state: 'breached' }])
  // A pending ticket's SLA clock is paused: its ticket is written clock by clock.
  at('2026-06-03T08:00:00Z')
  t.equal((await move(ticket.id, 'in_progress')).statusCode, 200)
  t.equal((await move(ticket.id, 'pending')).statusCode, 200)
  at('2026-06-03T09:30:00Z')
  t.match((await same(ticket.id, 'paused')).find(c => c.kind === 'sla'), { paused: true })
  t.equal((await move(ticket.id, 'in_progress')).statusCode, 200)
  at('2026-06-03T10:00:00Z')
  const before = (await same(ticket.id, 'resumed')).find(c => c.kind === 'sla')!
  // A calendar open around the clock from now on: the next read counts the evening too.
  const changed = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/calendars/${calendar.id}`, payload: { workingHours: [] } })
  t.equal(changed.statusCode, 200)
  const after = (await same(ticket.id, 'calendar changed')).find(c => c.kind === 'sla')!
  t.ok(after.businessElapsedMs > before.businessElapsedMs, `the changed calendar counts more (${before.businessElapsedMs} -> ${after.businessElapsedMs})`)
})
