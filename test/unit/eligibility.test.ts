import t from 'tap'
import fc from 'fast-check'
import { isEligible, type Eligibility, type Person } from '../../src/modules/catalog/eligibility.js'
import { LIFECYCLES, canMove, nextLifecycles } from '../../src/modules/catalog/lifecycle.js'
import { browseOffer, compileOffer } from '../../src/modules/catalog/offer.js'
import type { Principal } from '../../src/shared/principal.js'

const sales: Person = { roles: ['requester'], teamIds: [], deskIds: [], organizationId: 'org-a', department: 'Sales', location: 'Berlin' }

t.test('a table of rules', async (t) => {
  const table: Array<[string, Eligibility, boolean]> = [
    ['no keys: everyone', {}, true],
    ['empty lists count as absent', { roles: [], departments: [] }, true],
    ['department matches case-insensitively', { departments: ['sales'] }, true],
    ['another department', { departments: ['Engineering'] }, false],
    ['any of the listed values', { locations: ['Lisbon', 'berlin'] }, true],
    ['keys are AND-ed', { departments: ['Sales'], locations: ['Lisbon'] }, false],
    ['organisation', { organizationIds: ['org-a'] }, true],
    ['role not held', { roles: ['agent'] }, false],
    ['team membership required', { teamIds: ['t1'] }, false]
  ]
  for (const [name, rule, expected] of table) t.equal(isEligible(rule, sales), expected, name)
  t.equal(isEligible({ departments: ['Sales'] }, { ...sales, department: null }), false, 'a missing attribute never matches a rule on it')
})

const word = fc.constantFrom('a', 'b', 'c', 'd')
const list = fc.option(fc.uniqueArray(word, { maxLength: 3 }), { nil: undefined })
const rule = fc.record({ teamIds: list, deskIds: list, organizationIds: list, departments: list, locations: list }, { requiredKeys: [] })
const person = fc.record({
  roles: fc.constant(['requester' as const]),
  teamIds: fc.uniqueArray(word, { maxLength: 3 }),
  deskIds: fc.uniqueArray(word, { maxLength: 3 }),
  organizationId: fc.option(word, { nil: null }),
  department: fc.option(word, { nil: null }),
  location: fc.option(word, { nil: null })
})
const strip = (r: Eligibility) => JSON.parse(JSON.stringify(r)) as Eligibility

t.test('property: adding a key to a rule never lets more people in', async () => {
  fc.assert(fc.property(rule, rule, person, (base, extra, p) => {
    const narrower = { ...strip(extra), ...strip(base) }
    return !isEligible(narrower, p) || isEligible(strip(base), p)
  }))
})

t.test('property: adding a value to a key never shuts anyone out', async () => {
  fc.assert(fc.property(rule, word, person, (base, value, p) => {
    const r = strip(base)
    const wider = { ...r, ...(r.departments !== undefined && r.departments.length > 0 ? { departments: [...r.departments, value] } : {}) }
    return !isEligible(r, p) || isEligible(wider, p)
  }))
})

t.test('service lifecycle: the allowed moves, and no move to itself', async (t) => {
  t.same(nextLifecycles('pipeline'), ['live', 'retired'])
  t.same(nextLifecycles('live'), ['retired'])
  t.same(nextLifecycles('retired'), ['live'])
  for (const l of LIFECYCLES) t.notOk(canMove(l, l), l)
  t.notOk(canMove('live', 'pipeline'), 'a live service never goes back to planning')
})

const actor = (p: Person): Principal => ({ userId: 'u', sub: 'u', email: null, name: null, role: 'requester', apiKeyId: null, ...p, roles: [...p.roles] })

t.test('property: browsing lists only items whose service and item rules admit the caller', async () => {
  const offerRows = fc.record({
    services: fc.array(fc.record({ id: fc.uuid(), rule, categories: fc.uniqueArray(word, { maxLength: 2 }), items: fc.array(fc.record({ id: fc.uuid(), rule }), { maxLength: 3 }) }), { maxLength: 5 })
  })
  fc.assert(fc.property(offerRows, person, ({ services }, p) => {
    const rows = {
      desks: [{ id: 'd', key: 'IT', name: 'IT' }],
      services: services.map(s => ({ id: s.id, deskId: 'd', name: `s${s.id}`, description: null, help: null, cost: null, categories: s.categories, eligibility: strip(s.rule) })),
      items: services.flatMap(s => s.items.map(i => ({ id: `${s.id}/${i.id}`, serviceId: s.id, name: 'x', description: null, kind: 'incident', expectedDeliveryMinutes: null, eligibility: strip(i.rule) })))
    }
    const listed = new Set(browseOffer(compileOffer(rows, 'r'), actor(p), {}).desks
      .flatMap(d => d.categories.flatMap(c => c.services.flatMap(s => s.items.map(i => i.id)))))
    const expected = new Set(services.flatMap(s => isEligible(strip(s.rule), p) ? s.items.filter(i => isEligible(strip(i.rule), p)).map(i => `${s.id}/${i.id}`) : []))
    return listed.size === expected.size && [...expected].every(id => listed.has(id))
  }))
})
