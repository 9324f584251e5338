import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { slaClocks, ticketClockRevisions } from '../src/db/schema.js'
import { eq, inArray } from 'drizzle-orm'
import { buildTestApp, fixedClock, TEST_SECRET } from './helper.js'
import { seedWorld } from './world.js'

// Monday 1 June 2026, 09:00 in Berlin (CEST, UTC+2).
const clock = fixedClock(new Date('2026-06-01T07:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(iso))
const admin = (method: 'POST' | 'PATCH', url: string, payload: object) => h.request(w.admin.token, { method, url, payload })

const calendar = (await admin('POST', '/v1/calendars', {
  name: 'Berlin office', timeZone: 'Europe/Berlin', workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '17:00' }))
})).json()
await admin('POST', '/v1/sla-policies', { name: 'Resolution', kind: 'sla', metric: 'resolution', calendarId: calendar.id, goalMinutes: { p1: 240, p2: 360, p3: 480, p4: 960 }, pauseOn: ['pending'], warnAt: [50, 75] })
await admin('POST', '/v1/sla-policies', { name: 'First response', kind: 'sla', metric: 'first_response', calendarId: calendar.id, goalMinutes: { p1: 60, p2: 120, p3: 240, p4: 480 } })
await admin('POST', '/v1/sla-policies', { name: 'Desk OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: w.teams.itServiceDesk }, calendarId: calendar.id, goalMinutes: { p1: 120, p2: 240, p3: 360, p4: 720 } })

const slaOf = async (ticketId: string, as = w.agentIT.token) => {
  const res = await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/sla` })
  t.equal(res.statusCode, 200)
  return res.json().data as Array<Record<string, any>>
}
const clockOf = async (ticketId: string, name: 'resolution' | 'first_response', kind = 'sla') => (await slaOf(ticketId)).find(c => c.metric === name && c.kind === kind)!
const move = (ticketId: string, to: string, extra: object = {}) => h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticketId}/transitions`, payload: { to, ...extra } })
/** The Desk OLA runs while the Service Desk team holds the ticket. */
const toServiceDesk = (ticketId: string) => h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticketId}`, payload: { teamId: w.teams.itServiceDesk } })
const eventsOf = async (ticketId: string, as = w.agentIT.token) =>
  ((await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/events?limit=200` })).json().data as Array<{ type: string, after: any }>).filter(e => e.type.startsWith('sla.'))

t.test('clocks attach on open, pause and resume move dueAt by the business part of the pause, replies stop first response', async (t) => {
  at('2026-06-01T07:00:00Z')
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'VPN down', deskId: 'IT' } })).json()
  await toServiceDesk(ticket.id)
  const start = await clockOf(ticket.id, 'resolution')
  t.match(start, { state: 'running', goalMs: 8 * 3600_000, startedAt: '2026-06-01T07:00:00.000Z', dueAt: '2026-06-01T15:00:00.000Z', originalDueAt: '2026-06-01T15:00:00.000Z', businessElapsedMs: 0, percentage: 0, timeZone: 'Europe/Berlin', policyVersion: 1 })

  at('2026-06-01T08:00:00Z') // 10:00 Berlin
  await move(ticket.id, 'in_progress')
  await move(ticket.id, 'pending')
  const paused = await clockOf(ticket.id, 'resolution')
  t.match(paused, { state: 'paused', paused: true, pauseReason: 'status:pending', businessElapsedMs: 3600_000, percentage: 12.5 })

  at('2026-06-01T09:00:00Z') // 11:00 Berlin: an hour of business time paused
  await move(ticket.id, 'in_progress')
  const resumed = await clockOf(ticket.id, 'resolution')
  t.match(resumed, { state: 'running', paused: false, businessElapsedMs: 3600_000, dueAt: '2026-06-02T08:00:00.000Z', originalDueAt: '2026-06-01T15:00:00.000Z' })
  t.same(resumed.pauses, [{ from: '2026-06-01T08:00:00.000Z', to: '2026-06-01T09:00:00.000Z', reason: 'status:pending' }])

  at('2026-06-01T09:30:00Z')
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/comments`, payload: { body: 'Working on it' } })
  t.match(await clockOf(ticket.id, 'first_response'), { state: 'met', stoppedAt: '2026-06-01T09:30:00.000Z', businessElapsedMs: 2.5 * 3600_000 })
  t.same((await eventsOf(ticket.id)).map(e => e.type), ['sla.paused', 'sla.resumed', 'sla.met'])

  t.test('warnings and the breach fire exactly once, with two instances sweeping', async (t) => {
    const other = await secondInstance(t)
    at('2026-06-01T12:30:00Z') // 14:30 Berlin: 4.5 h counted, past the 50 % warning
    await Promise.all([h.app.services.clocks.sweep(), other.services.clocks.sweep(), h.app.services.clocks.sweep()])
    t.same((await eventsOf(ticket.id)).filter(e => e.type === 'sla.warning').map(e => e.after.threshold), [50])
    at('2026-06-02T08:30:00Z') // Tuesday 10:30 Berlin: past 75 % and the breach
    await Promise.all([h.app.services.clocks.sweep(), other.services.clocks.sweep()])
    await Promise.all([h.app.services.clocks.sweep(), other.services.clocks.sweep()])
    const fired = (await eventsOf(ticket.id)).filter(e => e.type === 'sla.warning' || e.type === 'sla.breached')
    const customer = fired.filter(e => e.after.kind === 'sla')
    t.same(customer.map(e => [e.type, e.after.threshold ?? null, e.after.metric]), [['sla.warning', 50, 'resolution'], ['sla.warning', 75, 'resolution'], ['sla.breached', null, 'resolution']])
    t.same(fired.filter(e => e.after.kind === 'ola').map(e => e.type), ['sla.breached'], 'the OLA (6 h, never paused) breached once too')
    const view = await clockOf(ticket.id, 'resolution')
    t.match(view, { state: 'breached', breachedAt: '2026-06-02T08:00:00.000Z', businessRemainingMs: -30 * 60_000 })
    t.ok(view.percentage > 100)
  })

  t.test('resolving stops the clock; reopening keeps the completed cycle and starts a new one', async (t) => {
    at('2026-06-02T09:00:00Z')
    await move(ticket.id, 'resolved', { resolution: 'fixed' })
    t.match(await clockOf(ticket.id, 'resolution'), { state: 'breached', stoppedAt: '2026-06-02T09:00:00.000Z' })
    at('2026-06-02T10:00:00Z')
    await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'in_progress' } })
    const reopened = await clockOf(ticket.id, 'resolution')
    t.match(reopened, { state: 'running', startedAt: '2026-06-02T10:00:00.000Z', businessElapsedMs: 0, dueAt: '2026-06-03T10:00:00.000Z' })
    t.match(reopened.completedCycles, [{ cycle: 1, result: 'breached', breachedAt: '2026-06-02T08:00:00.000Z', stoppedAt: '2026-06-02T09:00:00.000Z' }])
  })
})

t.test('a priority change re-targets: elapsed kept, goal changed', async (t) => {
  at('2026-06-08T07:00:00Z') // Monday 09:00 Berlin
  const ticket = (await h.request(w.agentIT.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Printer', deskId: 'IT', requesterId: w.requester.id } })).json()
  at('2026-06-08T08:00:00Z')
  await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { impact: 'high', urgency: 'high' } })
  t.match(await clockOf(ticket.id, 'resolution'), { goalMs: 4 * 3600_000, businessElapsedMs: 3600_000, businessRemainingMs: 3 * 3600_000, dueAt: '2026-06-08T11:00:00.000Z', originalDueAt: '2026-06-08T15:00:00.000Z' })
})

t.test('cancelling a ticket cancels its clocks', async (t) => {
  at('2026-06-09T07:00:00Z')
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Never mind', deskId: 'IT' } })).json()
  at('2026-06-09T07:30:00Z')
  await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'cancelled' } })
  for (const c of await slaOf(ticket.id)) t.equal(c.state, 'cancelled', `${c.kind} ${c.metric}`)
})

t.test('requesters see customer SLA clocks only; GraphQL reads the same clocks', async (t) => {
  at('2026-06-10T07:00:00Z')
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Visibility', deskId: 'IT' } })).json()
  await toServiceDesk(ticket.id)
  t.same((await slaOf(ticket.id, w.agentIT.token)).map(c => c.kind).sort(), ['ola', 'sla', 'sla'])
  t.same((await slaOf(ticket.id, w.requester.token)).map(c => c.kind), ['sla', 'sla'])
  t.equal((await h.request(w.otherRequester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla` })).statusCode, 404)
  t.notOk((await eventsOf(ticket.id, w.requester.token)).some(e => e.after?.kind === 'ola'), 'OLA events are internal')
  const gql = await h.gql(w.requester.token, 'query($id: ID!) { ticket(id: $id) { sla { kind metric state dueAt goalMs } } }', { id: ticket.id })
  t.same(gql.body.data.ticket.sla.map((c: any) => [c.kind, c.metric, c.state]), [['SLA', 'FIRST_RESPONSE', 'RUNNING'], ['SLA', 'RESOLUTION', 'RUNNING']])
  const page = await h.gql(w.agentIT.token, '{ tickets(first: 50) { edges { node { key sla { kind } } } } }')
  t.ok(page.body.data.tickets.edges.some((e: any) => e.node.key === ticket.key && e.node.sla.length === 3))
})

t.test('explain lists the counted spans and why the others were not counted', async (t) => {
  at('2026-06-15T14:00:00Z') // Monday 16:00 Berlin
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Explain me', deskId: 'IT' } })).json()
  await toServiceDesk(ticket.id)
  at('2026-06-15T14:30:00Z')
  await move(ticket.id, 'in_progress')
  await move(ticket.id, 'pending')
  at('2026-06-16T07:30:00Z') // Tuesday 09:30 Berlin
  await move(ticket.id, 'in_progress')
  at('2026-06-16T08:00:00Z')
  const resolution = await clockOf(ticket.id, 'resolution')
  const res = await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla/${resolution.id}/explain` })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.spans.map((s: any) => [s.from.slice(0, 16), s.to.slice(0, 16), s.reason, s.pauseReason ?? null]), [
    ['2026-06-15T14:00', '2026-06-15T14:30', 'working', null],
    ['2026-06-15T14:30', '2026-06-15T15:00', 'pause', 'status:pending'],
    ['2026-06-15T15:00', '2026-06-16T07:00', 'outside_calendar', null],
    ['2026-06-16T07:00', '2026-06-16T07:30', 'pause', 'status:pending'],
    ['2026-06-16T07:30', '2026-06-16T08:00', 'working', null]
  ])
  t.equal(body.countedMs, 3600_000)
  t.equal(body.countedMs, resolution.businessElapsedMs, 'explain adds up to what the clock shows')
  const ola = (await slaOf(ticket.id)).find(c => c.kind === 'ola')!
  t.equal((await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla/${ola.id}/explain` })).statusCode, 404, 'OLA clocks are not explained to requesters')
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla/${ola.id}/explain` })).statusCode, 200)
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla/nope/explain` })).statusCode, 404)
})

/** Another API instance on the same database, as a second process would be. */
async function secondInstance (t: Test) {
  const database = h.databaseUrl === undefined ? h.app.database : openDatabase({ url: h.databaseUrl })
  const app = await buildApp(loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' }), { database, clock, migrate: false, logger: false })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    if (h.databaseUrl !== undefined) await database.close()
  })
  return app
}

t.test('a calendar changed through another instance is read at once by every read of the clocks', async (t) => {
  const other = await secondInstance(t)
  at('2026-06-22T07:00:00Z') // Monday 09:00 Berlin
  const ticket = (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Calendar probe', deskId: 'IT' } })).json()
  const resolutionDue = (clocks: Array<{ kind: string, metric: string, dueAt: string }>) => clocks.filter(c => c.kind === 'sla' && c.metric === 'resolution').map(c => c.dueAt)
  const reads = async () => [
    (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.key}` })).json().sla,
    await slaOf(ticket.id),
    (await h.request(w.agentIT.token, { method: 'GET', url: '/v1/tickets?expand=sla&limit=100' })).json().data.find((r: { id: string }) => r.id === ticket.id).sla,
    (await h.gql(w.agentIT.token, 'query($id: ID!) { ticket(id: $id) { sla { kind metric dueAt } } }', { id: ticket.id })).body.data.ticket.sla
      .map((c: { kind: string, metric: string }) => ({ ...c, kind: c.kind.toLowerCase(), metric: c.metric.toLowerCase() }))
  ].map(resolutionDue)
  const dueMonday = ['2026-06-22T15:00:00.000Z']
  t.same(await reads(), [dueMonday, dueMonday, dueMonday, dueMonday], 'eight hours from 09:00 end at 17:00 Berlin')
  t.same(await reads(), [dueMonday, dueMonday, dueMonday, dueMonday], 'again, from warm caches')

  const mornings = ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '13:00' }))
  const patched = await other.inject({ method: 'PATCH', url: `/v1/calendars/${calendar.id}`, headers: { authorization: `Bearer ${w.admin.token}` }, payload: { workingHours: mornings } })
  t.equal(patched.statusCode, 200)
  const dueTuesday = ['2026-06-23T11:00:00.000Z']
  t.same(await reads(), [dueTuesday, dueTuesday, dueTuesday, dueTuesday], 'four hours a day: Monday and Tuesday mornings, on the instance that did not make the change')
})

t.test('every statement that writes a ticket\'s clocks draws a new revision for it, so kept clocks are never read stale', async (t) => {
  at('2026-06-29T07:00:00Z') // Monday 09:00 Berlin
  const open = async (title: string) => (await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title, deskId: 'IT' } })).json()
  const ticket = await open('Revision probe')
  const other = await open('Revision probe, second')
  const db = h.app.database.db
  const resolution = await clockOf(ticket.id, 'resolution')
  const revisionOf = async (ticketId: string) => (await db.select({ revision: ticketClockRevisions.revision }).from(ticketClockRevisions).where(eq(ticketClockRevisions.ticketId, ticketId)))[0]?.revision
  const first = await revisionOf(ticket.id)
  t.type(first, 'number', 'opening the ticket attached clocks: it has a revision')
  t.not(await revisionOf(other.id), first, 'each ticket its own')
  const statementsOf = async (read: () => Promise<unknown>) => {
    const before = h.app.database.statements.count
    await read()
    return h.app.database.statements.count - before
  }
  const get = () => h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.key}` })
  t.equal(await statementsOf(get), 1, 'kept clocks: the ticket read alone')

  await move(ticket.id, 'in_progress')
  await move(ticket.id, 'pending')
  t.not(await revisionOf(ticket.id), first, 'the transition wrote its clocks')
  t.equal(await statementsOf(get), 2, 'changed clocks are read again')
  t.equal(await statementsOf(get), 1, 'and kept after')
  t.match(await clockOf(ticket.id, 'resolution'), { state: 'paused', pauseReason: 'status:pending' })

  // Any writer at all, here one outside the service: the trigger draws a new revision.
  const stored = (await db.select({ state: slaClocks.state }).from(slaClocks).where(eq(slaClocks.id, resolution.id)))[0]!.state as Record<string, unknown>
  const before = await revisionOf(ticket.id)
  await db.update(slaClocks).set({ state: { ...stored, goalMs: 60_000 } }).where(eq(slaClocks.id, resolution.id))
  t.not(await revisionOf(ticket.id), before)
  t.equal((await get()).json().sla.find((c: { id: string }) => c.id === resolution.id).goalMs, 60_000, 'the ticket read shows the new state')

  // One statement over the clocks of two tickets (as a sweep writes them): both get a new revision.
  const revisions = [await revisionOf(ticket.id), await revisionOf(other.id)]
  await db.update(slaClocks).set({ updatedAt: new Date('2026-06-29T07:00:01Z') }).where(inArray(slaClocks.ticketId, [ticket.id, other.id]))
  const after = [await revisionOf(ticket.id), await revisionOf(other.id)]
  t.ok(after[0] !== revisions[0] && after[1] !== revisions[1] && after[0] !== after[1], 'two new revisions, one per ticket')

  const shown = (await get()).json().sla.length
  await db.delete(slaClocks).where(eq(slaClocks.id, resolution.id))
  t.equal((await get()).json().sla.length, shown - 1, 'a clock deleted by hand is gone from the next read')
})
