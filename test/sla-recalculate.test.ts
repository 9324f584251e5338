import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Monday 1 June 2026, 09:00 in Berlin (CEST, UTC+2).
const clock = fixedClock(new Date('2026-06-01T07:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const send = async (as: string, method: 'POST' | 'PATCH', url: string, payload: object, status = 200) => {
  const res = await h.request(as, { method, url, payload })
  if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const weekdays = (from: string, to: string) => ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from, to }))

const calendar = await send(w.admin.token, 'POST', '/v1/calendars', { name: 'Berlin office', timeZone: 'Europe/Berlin', workingHours: weekdays('09:00', '17:00') }, 201)
const policy = await send(w.admin.token, 'POST', '/v1/sla-policies', { name: 'Resolution', kind: 'sla', metric: 'resolution', calendarId: calendar.id, goalMinutes: { p1: 240, p2: 360, p3: 480, p4: 960 }, pauseOn: ['pending'], warnAt: [50] }, 201)

const move = (id: string, to: string, extra: object = {}) => send(w.agentIT.token, 'POST', `/v1/tickets/${id}/transitions`, { to, ...extra })
const slaOf = async (id: string) => (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${id}/sla` })).json().data[0]
const recalculations = async (id: string) => ((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${id}/events?limit=200` })).json().data as Array<{ type: string, before: any, after: any, actorId: string }>)
  .filter(e => e.type === 'sla.recalculated')
const recalculate = (payload: object, as = w.admin.token) => h.request(as, { method: 'POST', url: '/v1/sla/recalculate', payload })

// Opened 09:00 Berlin, pending 10:00–11:00: 8 h goal, due Tuesday 10:00 Berlin.
at('2026-06-01T07:00:00Z')
const ticket = await send(w.requester.token, 'POST', '/v1/tickets', { type: 'incident', title: 'VPN down', deskId: 'IT' }, 201)
at('2026-06-01T08:00:00Z')
await move(ticket.id, 'in_progress')
await move(ticket.id, 'pending')
at('2026-06-01T09:00:00Z')
await move(ticket.id, 'in_progress')
// A resolved ticket's clock is not open: recalculation leaves it alone.
const done = await send(w.requester.token, 'POST', '/v1/tickets', { type: 'incident', title: 'Done already', deskId: 'IT' }, 201)
await move(done.id, 'resolved', { resolution: 'fixed' })

t.test('after a calendar change, the dry run shows the diff and writes nothing; the real run applies it', async (t) => {
  at('2026-06-01T10:00:00Z') // 12:00 Berlin: 2 h counted
  t.match(await slaOf(ticket.id), { dueAt: '2026-06-02T08:00:00.000Z', businessElapsedMs: 2 * 3600_000 })
  // Longer hours from now on: 08:00–18:00 Berlin (06:00–16:00 UTC).
  await send(w.admin.token, 'PATCH', `/v1/calendars/${calendar.id}`, { workingHours: weekdays('08:00', '18:00') })
  t.match(await slaOf(ticket.id), { dueAt: '2026-06-01T16:00:00.000Z' }, 'GET …/sla reads the calendar live')
  at('2026-06-01T16:00:00.001Z')
  const listed = async () => (await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tickets?slaState=breached&fields=key' })).json().data.map((r: { key: string }) => r.key)
  t.same(await listed(), [], 'the instants stored for lists still follow the old calendar')
  at('2026-06-01T10:00:00Z')

  const dry = await recalculate({ dryRun: true })
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, examined: 1, changed: 1 })
  t.same(dry.json().clocks, [{
    clockId: (await slaOf(ticket.id)).id,
    ticketId: ticket.id,
    ticketKey: ticket.key,
    policyId: policy.id,
    kind: 'sla',
    metric: 'resolution',
    changed: true,
    before: { dueAt: '2026-06-02T08:00:00.000Z', state: 'running', businessElapsedMs: 2 * 3600_000, goalMs: 8 * 3600_000, policyVersion: 1 },
    after: { dueAt: '2026-06-01T16:00:00.000Z', state: 'running', businessElapsedMs: 2 * 3600_000, goalMs: 8 * 3600_000, policyVersion: 1 }
  }], '6 h left from 12:00 Berlin end at 18:00 Berlin')
  t.same(await recalculations(ticket.id), [], 'the dry run wrote nothing')

  const real = await recalculate({ ticketIds: [ticket.id] })
  t.match(real.json(), { dryRun: false, examined: 1, changed: 1, clocks: [{ after: { dueAt: '2026-06-01T16:00:00.000Z' } }] })
  const applied = await slaOf(ticket.id)
  t.match(applied, { dueAt: '2026-06-01T16:00:00.000Z', originalDueAt: '2026-06-01T15:00:00.000Z', businessElapsedMs: 2 * 3600_000, state: 'running' })
  t.same(applied.pauses, [{ from: '2026-06-01T08:00:00.000Z', to: '2026-06-01T09:00:00.000Z', reason: 'status:pending' }], 'the pause comes back from the timeline')
  const events = await recalculations(ticket.id)
  t.equal(events.length, 1)
  t.match(events[0], { actorId: w.admin.id, before: { dueAt: '2026-06-02T08:00:00.000Z', policyVersion: 1 }, after: { dueAt: '2026-06-01T16:00:00.000Z' } })

  t.match((await recalculate({})).json(), { examined: 1, changed: 0 }, 'a second run finds nothing to change')
  t.equal((await recalculations(ticket.id)).length, 1)

  at('2026-06-01T16:00:00.001Z')
  t.same(await listed(), [ticket.key], 'the list filters read the recomputed instants')
})

t.test('a new policy version: goal and pause statuses of the current version, recorded on the clock', async (t) => {
  at('2026-06-01T10:00:00Z')
  const updated = await send(w.admin.token, 'PATCH', `/v1/sla-policies/${policy.id}`, { goalMinutes: { p1: 240, p2: 360, p3: 540, p4: 960 }, pauseOn: [] })
  t.equal(updated.version, 2)
  const res = await recalculate({ policyIds: [policy.id] })
  t.match(res.json().clocks, [{ changed: true, after: { goalMs: 9 * 3600_000, businessElapsedMs: 3 * 3600_000, dueAt: '2026-06-01T16:00:00.000Z', policyVersion: 2 } }])
  const view = await slaOf(ticket.id)
  t.match(view, { policyVersion: 2, goalMs: 9 * 3600_000, pauses: [] })
  await move(ticket.id, 'pending')
  t.match(await slaOf(ticket.id), { paused: false }, 'pending no longer pauses it')
})

t.test('only admins recalculate; bad input changes nothing', async (t) => {
  for (const as of [w.agentIT.token, w.requester.token]) t.match((await recalculate({ dryRun: true }, as)).json(), { status: 403, code: 'FORBIDDEN' })
  for (const payload of [{ ticketIds: ['nope'] }, { dryRun: 'yes' }, { policyIds: [] }, { tickets: [ticket.id] }]) {
    const res = await recalculate(payload)
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
  t.match((await recalculate({ ticketIds: [done.id] })).json(), { examined: 0, changed: 0, clocks: [] }, 'stopped clocks are not recomputed')
})

t.test('GraphQL recalculateSla', async (t) => {
  const dry = await h.gql(w.admin.token, 'mutation { recalculateSla(input: { dryRun: true }) { dryRun examined changed clocks { ticketKey kind metric changed after { state policyVersion } } } }')
  t.notOk(dry.body.errors, JSON.stringify(dry.body.errors))
  t.same(dry.body.data.recalculateSla, { dryRun: true, examined: 1, changed: 0, clocks: [{ ticketKey: ticket.key, kind: 'SLA', metric: 'RESOLUTION', changed: false, after: { state: 'RUNNING', policyVersion: 2 } }] })
  const denied = await h.gql(w.agentIT.token, 'mutation { recalculateSla(input: { dryRun: true }) { examined } }')
  t.match(denied.body.errors?.[0]?.extensions, { code: 'FORBIDDEN', status: 403 })
  const bad = await h.gql(w.admin.token, 'mutation { recalculateSla(input: { ticketIds: ["nope"] }) { examined } }')
  t.match(bad.body.errors?.[0]?.extensions, { code: 'VALIDATION_FAILED', status: 400 })
})
