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
