import t from 'tap'
import { parseIcalHolidays } from '../src/modules/calendars/ical.js'
import { buildTestApp } from './helper.js'
import { seedWorld } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)
const berlin = {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '09:00', to: '17:00' })),
  holidays: [{ date: '2026-12-25', name: 'Christmas' }]
}
const ics = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//example//holidays//EN',
  'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20260101', 'SUMMARY:New Year', 'RRULE:FREQ=YEARLY', 'END:VEVENT',
  'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20261224', 'DTEND;VALUE=DATE:20261227', 'SUMMARY:Christmas\\, closed', 'END:VEVENT',
  'BEGIN:VEVENT', 'DTSTART:20261003T000000Z', 'SUMMARY:German Unity', ' Day', 'END:VEVENT',
  'BEGIN:VEVENT', 'SUMMARY:No date', 'END:VEVENT',
  'END:VCALENDAR'
].join('\r\n')

t.test('iCalendar holidays: recurring, multi-day, folded lines, and unreadable events reported', async (t) => {
  const { holidays, problems } = parseIcalHolidays(ics)
  t.same(holidays, [
    { date: '2026-01-01', name: 'New Year', recurring: true },
    { date: '2026-12-24', name: 'Christmas, closed' },
    { date: '2026-12-25', name: 'Christmas, closed' },
    { date: '2026-12-26', name: 'Christmas, closed' },
    { date: '2026-10-03', name: 'German UnityDay' }
  ])
  t.same(problems, [{ path: '/events/3', message: 'event without a DTSTART date' }])
  t.match(parseIcalHolidays('hello').problems, [{ message: /not an iCalendar/ }])
})

t.test('admins create calendars; bad definitions are refused naming each problem', async (t) => {
  const bad = await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: { name: 'Bad', timeZone: 'Mars/Olympus', workingHours: [{ day: 'mon', from: '25:00', to: '17:00' }] } })
  t.equal(bad.statusCode, 400)
  const paths = bad.json().errors.map((e: { path: string }) => e.path)
  t.ok(paths.includes('/timeZone'), paths.join(','))
  t.ok(paths.includes('/workingHours/0/from'), paths.join(','))
  t.equal((await h.request(w.agentIT.token, { method: 'POST', url: '/v1/calendars', payload: berlin })).statusCode, 403)
  const created = await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: berlin })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { name: 'Berlin office', timeZone: 'Europe/Berlin', version: 1 })
  t.equal((await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: berlin })).statusCode, 409, 'names are unique')
  const id = created.json().id
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: `/v1/calendars/${id}` })).statusCode, 200)
  t.equal((await h.request(w.requester.token, { method: 'GET', url: `/v1/calendars/${id}` })).statusCode, 403)
  t.equal((await h.request(w.agentIT.token, { method: 'GET', url: '/v1/calendars' })).json().data.length, 1)

  const open = await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: { name: 'Around the clock', timeZone: 'UTC' } })
  t.same(open.json().workingHours, [], 'no working hours: open around the clock')

  const updated = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/calendars/${id}`, payload: { workingHours: [{ day: 'fri', from: '22:00', to: '06:00' }] } })
  t.match(updated.json(), { version: 2, workingHours: [{ day: 'fri', from: '22:00', to: '06:00' }], holidays: [{ date: '2026-12-25' }] })
  t.equal((await h.request(w.admin.token, { method: 'PATCH', url: '/v1/calendars/nope', payload: { name: 'x' } })).statusCode, 404)
})

t.test('holidays import from an iCalendar file; dates already present are kept once', async (t) => {
  const created = await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: { ...berlin, name: 'Import target' } })
  const id = created.json().id
  const res = await h.request(w.admin.token, { method: 'POST', url: `/v1/calendars/${id}/holidays/import`, headers: { 'content-type': 'text/calendar' }, payload: ics })
  t.equal(res.statusCode, 200)
  t.equal(res.json().imported, 4, 'Dec 25 was already there')
  t.same(res.json().calendar.holidays.map((x: { date: string }) => x.date), ['2026-01-01', '2026-10-03', '2026-12-24', '2026-12-25', '2026-12-26'])
  t.equal(res.json().calendar.holidays.find((x: { date: string }) => x.date === '2026-12-25').name, 'Christmas', 'the existing name wins')
  t.equal(res.json().skipped.length, 1)
  const junk = await h.request(w.admin.token, { method: 'POST', url: `/v1/calendars/${id}/holidays/import`, headers: { 'content-type': 'text/calendar' }, payload: 'not a calendar' })
  t.equal(junk.statusCode, 400)
})

t.test('desks refer to existing calendars only', async (t) => {
  const cal = (await h.request(w.admin.token, { method: 'POST', url: '/v1/calendars', payload: { ...berlin, name: 'Desk calendar' } })).json()
  const bad = await h.request(w.admin.token, { method: 'PATCH', url: '/v1/desks/IT', payload: { calendarId: '00000000-0000-0000-0000-000000000000' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/calendarId' }])
  t.equal((await h.request(w.admin.token, { method: 'PATCH', url: '/v1/desks/IT', payload: { calendarId: cal.id } })).json().calendarId, cal.id)
  const gql = await h.gql(w.agentIT.token, '{ desk(id: "IT") { calendar { name timeZone workingHours { day from to } holidays { date recurring } } } }')
  t.same(gql.body.data.desk.calendar, {
    name: 'Desk calendar',
    timeZone: 'Europe/Berlin',
    workingHours: berlin.workingHours.map(i => ({ ...i, day: i.day.toUpperCase() })),
    holidays: [{ date: '2026-12-25', recurring: false }]
  })
  const asRequester = await h.gql(w.requester.token, '{ desk(id: "IT") { key calendar { name } } }')
  t.same(asRequester.body.data.desk, { key: 'IT', calendar: null })
})

t.test('GraphQL calendar mutations', async (t) => {
  const created = await h.gql(w.admin.token, `mutation { createCalendar(input: { name: "NYC", timeZone: "America/New_York",
    workingHours: [{ day: MON, from: "08:00", to: "18:00" }], holidays: [{ date: "2026-07-04", name: "Independence Day", recurring: true }] }) { id version holidays { recurring } } }`)
  t.match(created.body.data.createCalendar, { version: 1, holidays: [{ recurring: true }] })
  const id = created.body.data.createCalendar.id
  const updated = await h.gql(w.admin.token, 'mutation($id: ID!) { updateCalendar(id: $id, input: { name: "New York" }) { name version } }', { id })
  t.same(updated.body.data.updateCalendar, { name: 'New York', version: 2 })
  const bad = await h.gql(w.admin.token, 'mutation { createCalendar(input: { name: "x", timeZone: "Nowhere/Land" }) { id } }')
  t.equal(bad.body.errors?.[0]?.extensions.code, 'VALIDATION_FAILED')
  const imported = await h.gql(w.admin.token, 'mutation($id: ID!, $ics: String!) { importCalendarHolidays(id: $id, ics: $ics) { holidays { date } } }', { id, ics })
  t.equal(imported.body.data.importCalendarHolidays.holidays.length, 6)
  const list = await h.gql(w.agentIT.token, '{ calendars { edges { node { name } } } missing: calendar(id: "nope") { id } }')
  t.ok(list.body.data.calendars.edges.length >= 3)
  t.equal(list.body.data.missing, null)
})
