import t from 'tap'
import { seedDemo } from '../src/demo/seed.js'
import { buildTestApp, tokenFor } from './helper.js'

const h = await buildTestApp(t)

t.test('the demo catalogue loads once and serves the walkthrough of the README', async (t) => {
  t.same(await seedDemo(h.app.services), { seeded: true })
  t.same(await seedDemo(h.app.services), { seeded: false }, 'a second run changes nothing')
  const rita = await tokenFor({ sub: 'demo-requester', roles: ['requester'] })
  const catalog = (await h.request(rita, { method: 'GET', url: '/v1/catalog' })).json()
  const names = catalog.desks.flatMap((d: any) => d.categories.flatMap((c: any) => c.services.flatMap((s: any) => s.items.map((i: any) => `${d.key}/${i.name}`))))
  t.same(names.sort(), [
    'FAC/Replacement badge', 'FAC/Something is broken in the office',
    'HR/Copy of a payslip',
    'IT/Access to an application', 'IT/Laptop broken or not starting', 'IT/New laptop', 'IT/Password reset'
  ], 'a requester in Berlin sees what they may request; onboarding is for agents and admins')
  const laptop = (await h.request(rita, { method: 'GET', url: '/v1/catalog?q=new laptop' })).json().desks[0].categories[0].services[0].items[0]
  const draft = await h.request(rita, { method: 'POST', url: `/v1/catalog-items/${laptop.id}/validate`, payload: { fields: { model: 'developer-16', justification: 'I build the mobile app' } } })
  t.same(draft.json().errors.map((e: { path: string }) => e.path), ['/fields/justification'], 'developer laptops need a longer justification')
  const ticket = await h.request(rita, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: laptop.id, fields: { justification: 'My laptop is five years old' } } })
  t.equal(ticket.statusCode, 201)
  t.same(ticket.json().fields, { justification: 'My laptop is five years old', model: 'standard-14', keyboardLayout: 'de' })
  const me = (await h.request(rita, { method: 'GET', url: '/v1/me' })).json()
  const manager = (await h.request(await tokenFor({ sub: 'demo-admin', roles: ['admin'] }), { method: 'GET', url: `/v1/users/${me.id}` })).json().managerId
  t.type(manager, 'string', 'the requester has a manager to approve')
})

const as = async (sub: string, role: string) => tokenFor({ sub, roles: [role] })
const call = async (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
  const res = await h.request(token, { method, url, ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, body: res.statusCode === 204 ? null : res.json() }
}
const itemNamed = async (token: string, q: string) => (await call(token, 'GET', `/v1/catalog-items?q=${encodeURIComponent(q)}`)).body.data[0]

t.test('a request from browse to fulfilment: manager approval, sequential tasks, resolved by the last one', async (t) => {
  const rita = await as('demo-requester', 'requester')
  const mona = await as('demo-manager', 'requester')
  const ian = await as('demo-it-agent', 'agent')
  const laptop = await itemNamed(rita, 'New laptop')
  const created = await call(rita, 'POST', '/v1/tickets', { catalogItemId: laptop.id, fields: { justification: 'Battery lasts ten minutes' } })
  t.equal(created.status, 201)
  t.equal(created.body.status, 'awaiting_approval', 'the item asks the requester\'s manager first')
  const ticketId = created.body.id
  t.same((await call(ian, 'GET', `/v1/tickets/${ticketId}/tasks`)).body.data, [], 'no tasks before approval')

  const waiting = (await call(mona, 'GET', '/v1/approvals?state=pending&approver=me')).body.data as Array<{ id: string, ticketId: string }>
  const mine = waiting.find(a => a.ticketId === ticketId)
  t.ok(mine, 'the manager finds the request in her "waiting for me" list')
  t.equal((await call(rita, 'GET', '/v1/approvals?state=pending&approver=me')).body.data.length, 0)
  t.equal((await call(mona, 'GET', `/v1/tickets/${ticketId}`)).status, 200, 'the approver sees the ticket although she is a requester')
  const decided = await call(mona, 'POST', `/v1/approvals/${mine!.id}/decision`, { decision: 'approve', comment: 'Go ahead' })
  t.equal(decided.status, 200)
  t.equal((await call(rita, 'GET', `/v1/tickets/${ticketId}`)).body.status, 'in_progress')

  const tasks = (await call(ian, 'GET', `/v1/tickets/${ticketId}/tasks`)).body.data
  t.same(tasks.map((x: { title: string, status: string }) => [x.title, x.status]), [['Prepare and image the laptop', 'open'], ['Deliver and hand over', 'pending']])
  t.equal((await call(ian, 'PATCH', `/v1/tasks/${tasks[0].id}`, { status: 'done' })).status, 200)
  t.equal((await call(ian, 'GET', `/v1/tasks/${tasks[1].id}`)).body.status, 'open', 'the next order opens when the first is done')
  await call(ian, 'PATCH', `/v1/tasks/${tasks[1].id}`, { status: 'done' })
  const done = (await call(rita, 'GET', `/v1/tickets/${ticketId}`)).body
  t.match(done, { status: 'resolved', resolution: 'fixed' }, 'the last task resolves the request')
  const events = (await call(rita, 'GET', `/v1/tickets/${ticketId}/events?limit=200`)).body.data.map((e: { type: string }) => e.type)
  for (const type of ['ticket.created', 'approval.requested', 'approval.decided', 'approval.approved', 'task.created', 'task.updated']) t.ok(events.includes(type), `timeline has ${type}`)
})

t.test('onboarding: HR asks IT and Facilities for their parts; their agents see the tasks, not HR\'s notes', async (t) => {
  const hana = await as('demo-hr-agent', 'agent')
  const ian = await as('demo-it-agent', 'agent')
  const fred = await as('demo-facilities-agent', 'agent')
  const rita = await as('demo-requester', 'requester')
  t.equal((await call(rita, 'GET', '/v1/catalog?q=onboarding')).body.desks.length, 0, 'onboarding is not offered to requesters')
  const onboarding = await itemNamed(hana, 'onboarding')
  const bad = await call(hana, 'POST', '/v1/tickets', { catalogItemId: onboarding.id, fields: { fullName: 'Nia New', startDate: '2027-01-04', department: 'Sales' } })
  t.same(bad.body.errors.map((e: { path: string }) => e.path), ['/fields/laptopModel'], 'a laptop (the default) needs a model')
  const created = await call(hana, 'POST', '/v1/tickets', { catalogItemId: onboarding.id, fields: { fullName: 'Nia New', startDate: '2027-01-04', department: 'Sales', laptopModel: 'standard-14' } })
  t.equal(created.status, 201)
  t.equal(created.body.status, 'in_progress', 'no approval: work starts at once')
  const ticketId = created.body.id
  await call(hana, 'POST', `/v1/tickets/${ticketId}/comments`, { body: 'Salary band C, do not share', visibility: 'internal' })
  const tasks = (await call(hana, 'GET', `/v1/tickets/${ticketId}/tasks`)).body.data as Array<{ id: string, title: string, status: string }>
  t.same(tasks.map(x => x.status), ['open', 'pending', 'pending', 'pending'])
  await call(hana, 'PATCH', `/v1/tasks/${tasks[0]!.id}`, { status: 'done' })
  const itQueue = (await call(ian, 'GET', '/v1/tasks?status=open')).body.data as Array<{ id: string, title: string, ticketId: string }>
  t.same(itQueue.filter(x => x.ticketId === ticketId).map(x => x.title), ['Laptop and accounts'])
  const facQueue = (await call(fred, 'GET', '/v1/tasks?status=open')).body.data as Array<{ title: string, ticketId: string }>
  t.same(facQueue.filter(x => x.ticketId === ticketId).map(x => x.title), ['Desk, chair and building badge'], 'IT and Facilities work in parallel')
  const seenByIt = await call(ian, 'GET', `/v1/tickets/${ticketId}/comments`)
  t.equal(seenByIt.status, 200)
  t.notOk(JSON.stringify(seenByIt.body).includes('Salary band'), 'another desk\'s agent never sees HR\'s internal notes')
  for (const [who, task] of [[ian, itQueue.find(x => x.ticketId === ticketId)!], [fred, facQueue.find(x => x.ticketId === ticketId)!]] as const) {
    t.equal((await call(who, 'PATCH', `/v1/tasks/${(task as { id: string }).id}`, { status: 'done' })).status, 200)
  }
  const last = tasks[3]!
  t.equal((await call(hana, 'GET', `/v1/tasks/${last.id}`)).body.status, 'open')
  await call(hana, 'PATCH', `/v1/tasks/${last.id}`, { status: 'done' })
  t.equal((await call(hana, 'GET', `/v1/tickets/${ticketId}`)).body.status, 'resolved')
})
