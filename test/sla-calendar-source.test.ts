import t from 'tap'
import { buildTestApp, fixedClock } from './helper.js'
import { seedWorld } from './world.js'

// Monday 2026-06-01 08:00 UTC = 10:00 in Berlin.
const clock = fixedClock(new Date('2026-06-01T08:00:00Z'))
const h = await buildTestApp(t, { clock })
const w = await seedWorld(h)
const created = async (url: string, payload: object) => {
  const res = await h.request(w.admin.token, { method: 'POST', url, payload })
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const hours = await created('/v1/calendars', { name: 'Laptop support', timeZone: 'Europe/Berlin', workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '17:00' })) })
const laptops = await created('/v1/services', { name: 'Laptops', deskId: 'IT', lifecycle: 'live', supportCalendarId: hours.id })
const bare = await created('/v1/services', { name: 'Printers', deskId: 'IT', lifecycle: 'live' })
const policy = await created('/v1/sla-policies', { name: 'Service hours', kind: 'sla', metric: 'resolution', calendarSource: 'service', goalMinutes: { p1: 60, p2: 120, p3: 480, p4: 960 } })

const clockOf = async (ticket: { id: string }) => (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/sla` })).json().data[0]

t.test('calendarSource service: the clock counts in the support hours of the ticket\'s service', async (t) => {
  t.equal(policy.calendarSource, 'service')
  const onLaptops = await created('/v1/tickets', { type: 'incident', title: 'Screen', deskId: 'IT', serviceId: laptops.id })
  const c = await clockOf(onLaptops)
  t.equal(c.calendarId, hours.id)
  t.equal(c.dueAt, '2026-06-02T08:00:00.000Z', '8 business hours from Monday 10:00 Berlin (7 on Monday, 1 on Tuesday) end Tuesday 10:00 Berlin')
  const withoutHours = await clockOf(await created('/v1/tickets', { type: 'incident', title: 'Toner', deskId: 'IT', serviceId: bare.id }))
  t.equal(withoutHours.calendarId, null, 'a service without support hours falls back to the policy\'s calendar (none: around the clock)')
  t.equal(withoutHours.dueAt, '2026-06-01T16:00:00.000Z')
  const noService = await clockOf(await created('/v1/tickets', { type: 'incident', title: 'Other', deskId: 'IT' }))
  t.equal(noService.calendarId, null)
})

t.test('simulate uses the same calendar', async (t) => {
  const res = await h.request(w.agentIT.token, { method: 'POST', url: '/v1/sla/simulate', payload: { ticket: { type: 'incident', deskId: 'IT', serviceId: laptops.id }, startAt: '2026-06-01T08:00:00Z' } })
  t.equal(res.statusCode, 200)
  t.match(res.json().clocks, [{ policyId: policy.id, calendarId: hours.id, dueAt: '2026-06-02T08:00:00.000Z' }])
})

t.test('calendarSource organization: the requester organisation\'s business hours', async (t) => {
  const tokyo = await created('/v1/calendars', { name: 'Tokyo customer', timeZone: 'Asia/Tokyo', workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '18:00' })) })
  const bad = await h.request(w.admin.token, { method: 'POST', url: '/v1/organizations', payload: { name: 'Nowhere', calendarId: '00000000-0000-4000-8000-000000000000' } })
  t.same(bad.json().errors, [{ path: '/calendarId', message: 'no such calendar' }])
  const acme = await created('/v1/organizations', { name: 'Acme KK' })
  t.equal(acme.calendarId, null)
  const patched = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/organizations/${acme.id}`, payload: { calendarId: tokyo.id } })
  t.equal(patched.json().calendarId, tokyo.id)
  t.equal((await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/organizations/${acme.id}`, payload: { name: 'x' } })).statusCode, 403)
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/users/${w.requester.id}`, payload: { organizationId: acme.id } })
  const fallback = await created('/v1/calendars', { name: 'Fallback', timeZone: 'UTC' })
  const orgPolicy = await created('/v1/sla-policies', { name: 'Customer hours', kind: 'sla', metric: 'first_response', calendarSource: 'organization', calendarId: fallback.id, goalMinutes: { p1: 60, p2: 60, p3: 60, p4: 60 } })
  const ticket = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'From Tokyo', deskId: 'IT' } })
  const clocks = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.json().id}/sla` })).json().data
  const c = clocks.find((x: { policyId: string }) => x.policyId === orgPolicy.id)
  t.equal(c.calendarId, tokyo.id)
  t.equal(c.timeZone, 'Asia/Tokyo')
  t.equal(c.dueAt, '2026-06-01T09:00:00.000Z', 'opened at 17:00 in Tokyo: its one business hour ends at 18:00 Tokyo time')
  const other = await h.request(w.otherRequester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'No organisation', deskId: 'IT' } })
  const d = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${other.json().id}/sla` })).json().data.find((x: { policyId: string }) => x.policyId === orgPolicy.id)
  t.equal(d.calendarId, fallback.id, 'a requester without an organisation falls back to the policy\'s calendar')
})
