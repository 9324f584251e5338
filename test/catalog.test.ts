import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { buildTestApp, tokenFor } from './helper.js'
import { seedWorld, type Person } from './world.js'

const h = await buildTestApp(t)
const w = await seedWorld(h)

async function person (sub: string, claims: Record<string, unknown> = {}): Promise<Person> {
  const token = await tokenFor({ sub, roles: ['requester'], ...claims })
  const res = await h.request(token, { method: 'GET', url: '/v1/me' })
  return { token, id: res.json().id }
}
const sales = await person('req-sales', { department: 'Sales', location: 'Berlin' })
const engineer = await person('req-eng', { department: 'Engineering', location: 'Lisbon' })

async function created (as: string, url: string, payload: object) {
  const res = await h.request(as, { method: 'POST', url, payload })
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const get = async (as: string, url: string) => h.request(as, { method: 'GET', url })
const ids = (page: { data: Array<{ id: string }> }) => page.data.map(x => x.id)

const laptopForm = {
  type: 'object',
  properties: {
    model: { enum: ['standard', 'developer'], default: 'standard' },
    justification: { type: 'string', minLength: 10 },
    needsMonitor: { type: 'boolean', default: false },
    monitorSize: { type: 'integer', enum: [24, 27] },
    deliverTo: { type: 'string', format: 'email' }
  },
  required: ['justification'],
  additionalProperties: false,
  if: { properties: { model: { const: 'developer' } }, required: ['model'] },
  then: { required: ['justification', 'deliverTo'] }
}

const laptops = await created(w.admin.token, '/v1/services', { name: 'Laptops', deskId: 'IT', lifecycle: 'live', categories: ['Hardware'], cost: { amount: 1200, currency: 'EUR', period: 'one_time' }, help: 'Call 555' })
const salesTools = await created(w.admin.token, '/v1/services', { name: 'Sales tools', deskId: 'IT', lifecycle: 'live', categories: ['Software'], eligibility: { departments: ['sales'] } })
const planned = await created(w.admin.token, '/v1/services', { name: 'Quantum desk', deskId: 'IT' })
const newLaptop = await created(w.admin.token, '/v1/catalog-items', { serviceId: laptops.id, name: 'New laptop', kind: 'service_request', form: laptopForm, expectedDeliveryMinutes: 2880 })
const crm = await created(w.admin.token, '/v1/catalog-items', { serviceId: salesTools.id, name: 'CRM licence', kind: 'service_request' })
const lisbonOnly = await created(w.admin.token, '/v1/catalog-items', { serviceId: laptops.id, name: 'Docking station', kind: 'service_request', eligibility: { locations: ['Lisbon'] } })
const brokenLaptop = await created(w.admin.token, '/v1/catalog-items', { serviceId: laptops.id, name: 'Broken laptop', kind: 'incident', description: 'Screen, keyboard or battery' })

t.test('services: created in pipeline by default, lifecycle moves recorded, illegal moves refused with the allowed ones', async (t) => {
  t.equal(planned.lifecycle, 'pipeline')
  t.notOk('eligibility' in (await get(w.requester.token, `/v1/services/${laptops.id}`)).json(), 'requesters do not see eligibility rules')
  t.same(laptops.cost, { amount: 1200, currency: 'EUR', period: 'one_time' })
  const svc = await created(w.admin.token, '/v1/services', { name: 'Phones', deskId: 'IT' })
  const live = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/services/${svc.id}`, payload: { lifecycle: 'live' } })
  t.equal(live.json().lifecycle, 'live')
  t.equal(live.json().version, 2)
  const back = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/services/${svc.id}`, payload: { lifecycle: 'pipeline' } })
  t.equal(back.statusCode, 409)
  t.same(back.json().details.allowed, ['retired'])
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/services/${svc.id}`, payload: { lifecycle: 'retired' } })
  const history = await get(w.agentIT.token, `/v1/services/${svc.id}/lifecycle`)
  t.same(history.json().data.map((c: { from: string | null, to: string }) => [c.from, c.to]), [[null, 'pipeline'], ['pipeline', 'live'], ['live', 'retired']])
  t.equal(history.json().data[1].actorId, w.admin.id)
  t.equal((await get(w.requester.token, `/v1/services/${svc.id}/lifecycle`)).statusCode, 404)
  t.equal((await get(w.agentHR.token, `/v1/services/${svc.id}/lifecycle`)).statusCode, 404, 'agents of another desk do not see a retired service')
})

t.test('services: bad input is refused naming each field and changes nothing', async (t) => {
  const bad = await h.request(w.admin.token, { method: 'POST', url: '/v1/services', payload: { name: 'X', deskId: 'NOPE', ownerTeamId: w.teams.hrPeople, supportCalendarId: '00000000-0000-4000-8000-000000000000' } })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().errors.map((e: { path: string }) => e.path).sort(), ['/deskId', '/supportCalendarId'])
  const wrongTeam = await h.request(w.admin.token, { method: 'POST', url: '/v1/services', payload: { name: 'X', deskId: 'IT', ownerTeamId: w.teams.hrPeople } })
  t.same(wrongTeam.json().errors, [{ path: '/ownerTeamId', message: 'is not a team of this service\'s desk' }])
  t.equal((await h.request(w.agentIT.token, { method: 'POST', url: '/v1/services', payload: { name: 'X', deskId: 'IT' } })).statusCode, 403)
  t.equal((await h.request(w.requester.token, { method: 'PATCH', url: `/v1/services/${laptops.id}`, payload: { name: 'Y' } })).statusCode, 403)
  const all = await get(w.admin.token, '/v1/services?limit=200&q=X')
  t.same(all.json().data, [])
})

t.test('eligibility: requesters see only live services and items they may request', async (t) => {
  const forRequester = ids((await get(w.requester.token, '/v1/services')).json())
  t.same(forRequester, [laptops.id])
  t.same(ids((await get(sales.token, '/v1/services')).json()), [laptops.id, salesTools.id], 'department compared case-insensitively')
  t.equal((await get(w.requester.token, `/v1/services/${salesTools.id}`)).statusCode, 404)
  t.equal((await get(w.requester.token, `/v1/services/${planned.id}`)).statusCode, 404)
  t.equal((await get(w.agentIT.token, `/v1/services/${planned.id}`)).statusCode, 200, 'agents see their desk\'s pipeline')
  t.equal((await get(w.agentHR.token, `/v1/services/${planned.id}`)).statusCode, 404)
  t.same(ids((await get(w.requester.token, `/v1/catalog-items?serviceId=${laptops.id}`)).json()).sort(), [newLaptop.id, brokenLaptop.id].sort())
  t.same(ids((await get(engineer.token, `/v1/catalog-items?serviceId=${laptops.id}`)).json()).sort(), [newLaptop.id, lisbonOnly.id, brokenLaptop.id].sort())
  t.equal((await get(w.requester.token, `/v1/catalog-items/${crm.id}`)).statusCode, 404)
  t.equal((await get(w.requester.token, `/v1/catalog-items/${lisbonOnly.id}`)).statusCode, 404)
  const item = (await get(w.requester.token, `/v1/catalog-items/${newLaptop.id}`)).json()
  t.notOk('tasks' in item || 'eligibility' in item, 'requesters do not see task templates or rules')
  t.same(item.form, laptopForm)
})

t.test('lists page through only what the caller may see', async (t) => {
  const first = await get(sales.token, '/v1/catalog-items?limit=2')
  t.equal(first.json().data.length, 2)
  t.match(first.headers.link, /rel="next"/)
  const second = await get(sales.token, `/v1/catalog-items?limit=2&cursor=${first.json().nextCursor}`)
  const seen = [...ids(first.json()), ...ids(second.json())]
  t.same(seen.sort(), [newLaptop.id, crm.id, brokenLaptop.id].sort())
  t.equal(second.json().nextCursor, null)
  t.equal((await get(sales.token, '/v1/catalog-items?cursor=bad!')).statusCode, 400)
})

t.test('forms: a bad form is refused; validate answers with the same errors a create would', async (t) => {
  const bad = await h.request(w.admin.token, { method: 'POST', url: '/v1/catalog-items', payload: { serviceId: laptops.id, name: 'Bad', kind: 'incident', form: { type: 'object', properties: { a: { type: 'colour' } } } } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors[0].path, /^\/form\/properties\/a\/type/)
  const notObject = await h.request(w.admin.token, { method: 'POST', url: '/v1/catalog-items', payload: { serviceId: laptops.id, name: 'Bad', kind: 'incident', form: { type: 'string' } } })
  t.same(notObject.json().errors, [{ path: '/form/type', message: 'must be "object": a form describes the ticket\'s fields object' }])

  const table: Array<[string, Record<string, unknown>, string[]]> = [
    ['minimal valid answer', { justification: 'my old one died' }, []],
    ['missing required field', {}, ['/fields/justification']],
    ['enum violated', { justification: 'my old one died', model: 'gaming' }, ['/fields/model']],
    ['wrong type and unknown field', { justification: 'my old one died', needsMonitor: 'yes', colour: 'red' }, ['/fields/colour', '/fields/needsMonitor']],
    ['too short', { justification: 'short' }, ['/fields/justification']],
    ['conditional field required for developer model', { justification: 'compiling all day', model: 'developer' }, ['/fields/deliverTo']],
    ['conditional field with a bad format', { justification: 'compiling all day', model: 'developer', deliverTo: 'not-an-email' }, ['/fields/deliverTo']],
    ['conditional field satisfied', { justification: 'compiling all day', model: 'developer', deliverTo: 'me@example.com' }, []]
  ]
  for (const [name, fields, paths] of table) {
    const res = await h.request(w.requester.token, { method: 'POST', url: `/v1/catalog-items/${newLaptop.id}/validate`, payload: { fields } })
    t.equal(res.statusCode, 200, name)
    t.same(res.json().errors.map((e: { path: string }) => e.path).sort(), paths, name)
    t.equal(res.json().valid, paths.length === 0, name)
    const create = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: newLaptop.id, fields } })
    if (paths.length === 0) t.equal(create.statusCode, 201, `${name}: create succeeds`)
    else t.same(create.json().errors, res.json().errors, `${name}: create answers the same errors`)
  }
  const defaults = await h.request(w.requester.token, { method: 'POST', url: `/v1/catalog-items/${newLaptop.id}/validate`, payload: { fields: { justification: 'my old one died' } } })
  t.same(defaults.json().fields, { justification: 'my old one died', model: 'standard', needsMonitor: false })
  t.equal((await h.request(w.requester.token, { method: 'POST', url: `/v1/catalog-items/${crm.id}/validate`, payload: { fields: {} } })).statusCode, 404)
})

t.test('requesting an item: type, desk and service come from it, defaults are applied, an ineligible item answers 404', async (t) => {
  const res = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: newLaptop.id, fields: { justification: 'my old one died' } } })
  t.equal(res.statusCode, 201)
  const ticket = res.json()
  t.match(ticket, { type: 'service_request', deskId: w.desks.IT, serviceId: laptops.id, catalogItemId: newLaptop.id, formVersion: 1, title: 'New laptop', requesterId: w.requester.id })
  t.same(ticket.fields, { justification: 'my old one died', model: 'standard', needsMonitor: false })
  const denied = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: crm.id, title: 'CRM please' } })
  t.equal(denied.statusCode, 404)
  t.equal(denied.json().code, 'CATALOG_ITEM_NOT_FOUND')
  const mismatch = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: brokenLaptop.id, type: 'service_request', deskId: 'HR' } })
  t.same(mismatch.json().errors.map((e: { path: string }) => e.path), ['/type', '/deskId'])
  const noItem = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { title: 'Help' } })
  t.same(noItem.json().errors.map((e: { path: string }) => e.path), ['/type', '/deskId'])
  const hidden = await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'x', deskId: 'IT', serviceId: salesTools.id } })
  t.same(hidden.json().errors, [{ path: '/serviceId', message: 'no such service' }])
  const onBehalf = await h.request(w.agentIT.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: crm.id, requesterId: w.requester.id } })
  t.equal(onBehalf.statusCode, 201, 'agents of the desk may request any of its items on someone\'s behalf')
})

t.test('form versions: a ticket keeps the version it was created with', async (t) => {
  const item = await created(w.admin.token, '/v1/catalog-items', { serviceId: laptops.id, name: 'Access badge', kind: 'service_request', form: { type: 'object', properties: { floor: { type: 'integer' } }, required: ['floor'] } })
  const before = await created(w.requester.token, '/v1/tickets', { catalogItemId: item.id, fields: { floor: 3 } })
  const changed = await h.request(w.admin.token, { method: 'PATCH', url: `/v1/catalog-items/${item.id}`, payload: { form: { type: 'object', properties: { building: { type: 'string' } }, required: ['building'] } } })
  t.equal(changed.json().formVersion, 2)
  t.equal((await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: item.id, fields: { floor: 3 } } })).statusCode, 400, 'new tickets answer the new form')
  const after = await created(w.requester.token, '/v1/tickets', { catalogItemId: item.id, fields: { building: 'B' } })
  t.equal(before.formVersion, 1)
  t.equal(after.formVersion, 2)
  const old = await get(w.requester.token, `/v1/catalog-items/${item.id}/forms/1`)
  t.same(old.json().form.required, ['floor'])
  const edit = await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${before.id}`, payload: { fields: { floor: 'three' } } })
  t.equal(edit.statusCode, 400, 'fields of an old ticket are checked against its own version')
  t.same(edit.json().errors.map((e: { path: string }) => e.path), ['/fields/floor'])
  t.equal((await h.request(w.agentIT.token, { method: 'PATCH', url: `/v1/tickets/${before.id}`, payload: { fields: { floor: 4 } } })).statusCode, 200)
  const v1 = await h.request(w.requester.token, { method: 'POST', url: `/v1/catalog-items/${item.id}/validate`, payload: { fields: { floor: 2 }, formVersion: 1 } })
  t.equal(v1.json().valid, true)
})

t.test('a retired service keeps its tickets readable but takes no new requests', async (t) => {
  const svc = await created(w.admin.token, '/v1/services', { name: 'Fax', deskId: 'IT', lifecycle: 'live' })
  const item = await created(w.admin.token, '/v1/catalog-items', { serviceId: svc.id, name: 'Fax line', kind: 'service_request' })
  const ticket = await created(w.requester.token, '/v1/tickets', { catalogItemId: item.id })
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/services/${svc.id}`, payload: { lifecycle: 'retired' } })
  t.equal((await get(w.requester.token, `/v1/tickets/${ticket.id}`)).statusCode, 200)
  t.equal((await h.request(w.requester.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: item.id } })).statusCode, 404)
  t.equal((await h.request(w.agentIT.token, { method: 'POST', url: '/v1/tickets', payload: { catalogItemId: item.id } })).statusCode, 404)
})

t.test('browsing: desks → categories → services → items the caller may request, with text search', async (t) => {
  await created(w.admin.token, '/v1/services', { name: 'Payroll', deskId: 'HR', lifecycle: 'live', categories: ['Pay', 'Benefits'] })
    .then(s => created(w.admin.token, '/v1/catalog-items', { serviceId: s.id, name: 'Payslip copy', kind: 'service_request' }))
  const catalog = (await get(w.requester.token, '/v1/catalog')).json()
  t.same(catalog.desks.map((d: { key: string }) => d.key), ['HR', 'IT'])
  const hr = catalog.desks[0]
  t.same(hr.categories.map((c: { name: string }) => c.name), ['Benefits', 'Pay'], 'a service in two categories is listed under both')
  const it = catalog.desks[1]
  t.same(it.categories.map((c: { name: string }) => c.name), ['Hardware'])
  const laptopsEntry = it.categories[0].services[0]
  t.same(laptopsEntry.items.map((i: { name: string }) => i.name), ['Access badge', 'Broken laptop', 'New laptop'])
  t.equal(laptopsEntry.help, 'Call 555')
  const forSales = (await get(sales.token, '/v1/catalog?deskId=it')).json()
  t.same(forSales.desks[0].categories.map((c: { name: string }) => c.name), ['Hardware', 'Software'])
  const search = (await get(w.requester.token, '/v1/catalog?q=battery')).json()
  t.same(search.desks.map((d: { key: string }) => d.key), ['IT'])
  t.same(search.desks[0].categories[0].services[0].items.map((i: { name: string }) => i.name), ['Broken laptop'])
  const byService = (await get(w.requester.token, '/v1/catalog?q=LAPTOPS')).json()
  t.equal(byService.desks[0].categories[0].services[0].items.length, 3, 'a service matching lists all its items')
  t.same((await get(w.requester.token, '/v1/catalog?q=CRM')).json().desks, [], 'nothing the caller may not request')
  // Changes show at once: the cache follows the catalogue's revision.
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/catalog-items/${brokenLaptop.id}`, payload: { isActive: false } })
  t.same((await get(w.requester.token, '/v1/catalog?q=battery')).json().desks, [])
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/catalog-items/${brokenLaptop.id}`, payload: { isActive: true } })
  const tagged = await get(w.requester.token, '/v1/catalog')
  t.match(tagged.headers['content-type'], /application\/json/)
  const etag = tagged.headers.etag as string
  const again = await h.request(w.requester.token, { method: 'GET', url: '/v1/catalog', headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304, 'an unchanged catalogue answers 304 to its ETag')
  const zipped = await h.request(w.requester.token, { method: 'GET', url: '/v1/catalog', headers: { 'accept-encoding': 'gzip, br' } })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.same(JSON.parse(gunzipSync(zipped.rawPayload).toString()), tagged.json(), 'the gzipped catalogue is the same catalogue')
  t.not((await get(sales.token, '/v1/catalog')).headers.etag, etag, 'another profile sees another catalogue')
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/services/${laptops.id}`, payload: { help: 'Call 556' } })
  const changed = await h.request(w.requester.token, { method: 'GET', url: '/v1/catalog', headers: { 'if-none-match': etag } })
  t.equal(changed.statusCode, 200, 'a change to the catalogue changes the ETag')
})

t.test('GraphQL mirrors the catalogue', async (t) => {
  const created = await h.gql(w.admin.token, 'mutation ($input: CreateServiceInput!) { createService(input: $input) { id lifecycle desk { key } eligibility { departments } } }',
    { input: { name: 'Printers', deskId: 'IT', lifecycle: 'LIVE', eligibility: { departments: ['Sales'] } } })
  t.same(created.body.errors, undefined)
  t.match(created.body.data.createService, { lifecycle: 'LIVE', desk: { key: 'IT' }, eligibility: { departments: ['Sales'] } })
  const serviceId = created.body.data.createService.id
  const item = await h.gql(w.admin.token, 'mutation ($input: CreateCatalogItemInput!) { createCatalogItem(input: $input) { id kind formVersion approval { type } service { name } } }',
    { input: { serviceId, name: 'Toner', kind: 'SERVICE_REQUEST', form: { type: 'object', properties: { colour: { enum: ['black', 'cyan'] } }, required: ['colour'] }, approval: { type: 'MANAGER' } } })
  t.match(item.body.data.createCatalogItem, { kind: 'SERVICE_REQUEST', formVersion: 1, approval: { type: 'MANAGER' }, service: { name: 'Printers' } })
  const itemId = item.body.data.createCatalogItem.id
  t.equal((await h.gql(w.requester.token, `{ service(id: "${serviceId}") { id } }`)).body.data.service, null)
  const browse = await h.gql(sales.token, '{ catalog(q: "toner") { desks { key categories { name services { name items { id kind } } } } } }')
  t.same(browse.body.data.catalog.desks, [{ key: 'IT', categories: [{ name: 'General', services: [{ name: 'Printers', items: [{ id: itemId, kind: 'SERVICE_REQUEST' }] }] }] }])
  const check = await h.gql(sales.token, `mutation { validateCatalogItemFields(id: "${itemId}", fields: { colour: "pink" }) { valid errors { path } } }`)
  t.same(check.body.data.validateCatalogItemFields, { valid: false, errors: [{ path: '/fields/colour' }] })
  const noManager = await h.gql(sales.token, `mutation { createTicket(input: { catalogItemId: "${itemId}", fields: { colour: "cyan" } }) { id } }`)
  t.equal(noManager.body.errors?.[0]?.extensions.code, 'VALIDATION_FAILED', 'manager approval needs a manager on record')
  await h.request(w.admin.token, { method: 'PATCH', url: `/v1/users/${sales.id}`, payload: { managerId: w.otherRequester.id } })
  const ticket = await h.gql(sales.token, `mutation { createTicket(input: { catalogItemId: "${itemId}", fields: { colour: "cyan" } }) { type status formVersion service { name } catalogItem { name tasks { title } } } }`)
  t.same(ticket.body.errors, undefined)
  t.same(ticket.body.data.createTicket, { type: 'SERVICE_REQUEST', status: 'awaiting_approval', formVersion: 1, service: { name: 'Printers' }, catalogItem: { name: 'Toner', tasks: null } })
  const list = await h.gql(sales.token, '{ services(filter: { q: "print" }) { edges { node { name items { name } } } } catalogItems(filter: { kind: SERVICE_REQUEST, q: "toner" }) { edges { node { name } } } }')
  t.same(list.body.data.services.edges, [{ node: { name: 'Printers', items: [{ name: 'Toner' }] } }])
  t.same(list.body.data.catalogItems.edges, [{ node: { name: 'Toner' } }])
  const refused = await h.gql(w.requester.token, 'mutation { createService(input: { name: "x", deskId: "IT" }) { id } }')
  t.equal(refused.body.errors?.[0]?.extensions.code, 'FORBIDDEN')
})
