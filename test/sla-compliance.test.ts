import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Around the clock (desks without calendars): every minute counts.
const clock = fixedClock(new Date('2026-06-01T00:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const at = (iso: string) => clock.set(new Date(`2026-06-01T${iso}:00Z`))
const send = async (as: string, url: string, payload: object, status: number) => {
  const res = await h.request(as, { method: 'POST', url, payload })
  if (res.statusCode !== status) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const sla = await send(w.admin.token, '/v1/sla-policies', { name: 'Resolution', kind: 'sla', metric: 'resolution', calendarSource: 'desk', goalMinutes: { p1: 20, p2: 40, p3: 60, p4: 120 } }, 201)
const ola = await send(w.admin.token, '/v1/sla-policies', { name: 'Desk OLA', kind: 'ola', metric: 'resolution', counterparty: { teamId: w.teams.itServiceDesk }, calendarSource: 'desk', goalMinutes: { p1: 10, p2: 20, p3: 30, p4: 60 } }, 201)
const open = (as: string, body: object = {}) => send(as, '/v1/tickets', { type: 'incident', title: 'Report me', deskId: 'IT', ...body }, 201)
const move = (as: string, id: string, to: string) => send(as, `/v1/tickets/${id}/transitions`, to === 'resolved' ? { to, resolution: 'fixed' } : { to }, 200)

at('00:00')
const t1 = await open(w.agentIT.token, { requesterId: w.requester.id, teamId: w.teams.itServiceDesk }) // p3: SLA 60, OLA 30
const t2 = await open(w.agentIT.token, { requesterId: w.requester.id, priority: 'p1', teamId: w.teams.itServiceDesk }) // p1: SLA 20, OLA 10
const t3 = await open(w.requester.token, { deskId: 'HR' }) // HR's team has no OLA: SLA only
// The OLA binds IT's Service Desk: it runs while that team holds a ticket.
const handOver = async (ticket: { id: string }) => {
  const res = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${ticket.id}`, payload: { teamId: w.teams.itServiceDesk } })
  if (res.statusCode !== 200) throw new Error(res.body)
  return ticket
}
const t4 = await handOver(await open(w.requester.token))
await handOver(await open(w.requester.token)) // stays open: never counted
const t6 = await handOver(await open(w.requester.token))
at('00:05')
await move(w.requester.token, t6.id, 'cancelled') // cancelled: never counted
at('00:10')
await move(w.agentHR.token, t3.id, 'resolved') // met, met
await move(w.agentIT.token, t4.id, 'resolved') // cycle 1: met, met
at('00:20')
await move(w.requester.token, t4.id, 'in_progress') // reopened: cycle 2 starts
at('00:45')
await move(w.agentIT.token, t1.id, 'resolved') // SLA met, OLA breached
await move(w.agentIT.token, t2.id, 'resolved') // both breached
at('02:00')
await move(w.agentIT.token, t4.id, 'resolved') // cycle 2: both breached

const report = async (as: string, query: string) => h.request(as, { method: 'GET', url: `/v1/reports/sla-compliance?${query}` })
const hour = 'from=2026-06-01T00:00:00Z&to=2026-06-01T01:00:00Z'

t.test('admins count every cycle that ended in the range, per policy', async (t) => {
  const res = await report(w.admin.token, `${hour}&groupBy=policy`)
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    from: '2026-06-01T00:00:00.000Z',
    to: '2026-06-01T01:00:00.000Z',
    groupBy: 'policy',
    groups: [
      { key: sla.id, label: 'Resolution', met: 3, breached: 1, total: 4, percentageMet: 75 },
      { key: ola.id, label: 'Desk OLA', met: 1, breached: 2, total: 3, percentageMet: 33.33 }
    ].sort((a, b) => a.key.localeCompare(b.key)),
    totals: { met: 4, breached: 3, total: 7, percentageMet: 57.14 }
  })
})

t.test('the range is half-open, completed cycles of reopened tickets count, and groups follow the ticket', async (t) => {
  const day = 'from=2026-06-01T00:00:00Z&to=2026-06-01T02:00:00Z'
  t.same((await report(w.admin.token, `${day}&groupBy=priority`)).json().groups, [
    { key: 'p1', label: 'p1', met: 0, breached: 2, total: 2, percentageMet: 0 },
    { key: 'p3', label: 'p3', met: 4, breached: 1, total: 5, percentageMet: 80 }
  ], 'T4\'s second cycle ended at 02:00, outside [00:00, 02:00)')
  const later = (await report(w.admin.token, 'from=2026-06-01T00:00:00Z&to=2026-06-01T02:00:00.001Z&groupBy=priority')).json()
  t.match(later.groups[1], { key: 'p3', met: 4, breached: 3 }, 'and inside [00:00, 02:00:00.001)')
  t.same((await report(w.admin.token, `${hour}&groupBy=team`)).json().groups, [
    { key: w.teams.itServiceDesk, label: 'Service Desk', met: 3, breached: 3, total: 6, percentageMet: 50 },
    { key: null, label: null, met: 1, breached: 0, total: 1, percentageMet: 100 }
  ])
  t.same((await report(w.admin.token, `${hour}&groupBy=service`)).json().groups, [{ key: null, label: null, met: 4, breached: 3, total: 7, percentageMet: 57.14 }])
  const empty = (await report(w.admin.token, 'from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z&groupBy=desk')).json()
  t.same(empty, { from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z', groupBy: 'desk', groups: [], totals: { met: 0, breached: 0, total: 0, percentageMet: null } })
})

t.test('agents count the tickets of their desks only; requesters are refused', async (t) => {
  t.same((await report(w.agentIT.token, `${hour}&groupBy=desk`)).json().groups, [{ key: w.desks.IT, label: 'IT', met: 3, breached: 3, total: 6, percentageMet: 50 }])
  t.same((await report(w.agentHR.token, `${hour}&groupBy=desk`)).json().groups, [{ key: w.desks.HR, label: 'HR', met: 1, breached: 0, total: 1, percentageMet: 100 }])
  t.match((await report(w.requester.token, `${hour}&groupBy=desk`)).json(), { status: 403, code: 'FORBIDDEN' })
  for (const query of ['groupBy=desk', `${hour}&groupBy=requester`, 'from=2026-06-01T01:00:00Z&to=2026-06-01T01:00:00Z&groupBy=desk', `${hour}&groupBy=desk&extra=1`, 'from=yesterday&to=2026-06-01T01:00:00Z&groupBy=desk']) {
    const res = await report(w.admin.token, query)
    t.equal(res.statusCode, 400, query)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  }
})

t.test('GraphQL slaCompliance', async (t) => {
  const query = 'query($from: DateTime!, $to: DateTime!) { slaCompliance(from: $from, to: $to, groupBy: PRIORITY) { groupBy groups { key met breached percentageMet } totals { total percentageMet } } }'
  const vars = { from: '2026-06-01T00:00:00Z', to: '2026-06-01T01:00:00Z' }
  const res = await h.gql(w.agentIT.token, query, vars)
  t.notOk(res.body.errors, JSON.stringify(res.body.errors))
  t.same(res.body.data.slaCompliance, {
    groupBy: 'PRIORITY',
    groups: [{ key: 'p1', met: 0, breached: 2, percentageMet: 0 }, { key: 'p3', met: 3, breached: 1, percentageMet: 75 }],
    totals: { total: 6, percentageMet: 50 }
  })
  t.match((await h.gql(w.requester.token, query, vars)).body.errors?.[0]?.extensions, { code: 'FORBIDDEN', status: 403 })
})
