import t from 'tap'
import fc from 'fast-check'
import { applicablePolicies, appliesNow, boundTeamOf, type PolicyDefinition, type TicketFacts } from '../../src/modules/sla/policy.js'

type P = Pick<PolicyDefinition, 'kind' | 'metric' | 'appliesTo' | 'counterparty'> & { name: string }
const policy = (name: string, fields: Partial<P>): P => ({ name, kind: 'sla', metric: 'resolution', appliesTo: {}, counterparty: {}, ...fields })
const facts = (teamId: string | null): TicketFacts => ({ type: 'incident', priority: 'p3', deskId: 'd', teamId })

t.test('which team a policy\'s clocks follow', async (t) => {
  t.equal(boundTeamOf({ kind: 'sla', counterparty: { teamId: 'a', organizationId: 'o' } }), null, 'a customer SLA runs with the ticket')
  t.equal(boundTeamOf({ kind: 'ola', counterparty: { teamId: 'a' } }), 'a')
  t.equal(boundTeamOf({ kind: 'uc', counterparty: { teamId: 's' } }), 's')
  t.equal(boundTeamOf({ kind: 'uc', counterparty: { name: 'Vendor' } }), null, 'a UC naming only its supplier runs with the ticket')
})

t.test('a team-bound policy applies only while its team holds the ticket, and its appliesTo still holds', async (t) => {
  const table: Array<[P, string | null, boolean]> = [
    [policy('ola a', { kind: 'ola', counterparty: { teamId: 'a' } }), 'a', true],
    [policy('ola a', { kind: 'ola', counterparty: { teamId: 'a' } }), 'b', false],
    [policy('ola a', { kind: 'ola', counterparty: { teamId: 'a' } }), null, false],
    [policy('ola a, problems', { kind: 'ola', counterparty: { teamId: 'a' }, appliesTo: { types: ['problem'] } }), 'a', false],
    [policy('ola a, team filter', { kind: 'ola', counterparty: { teamId: 'a' }, appliesTo: { teamIds: ['b'] } }), 'a', false],
    [policy('sla', {}), null, true],
    [policy('sla for team b', { appliesTo: { teamIds: ['b'] } }), 'b', true]
  ]
  for (const [p, team, expected] of table) t.equal(appliesNow(p, facts(team)), expected, `${p.name} with ${team ?? 'no team'}`)
})

t.test('each team\'s OLA for one metric coexists: the holder\'s is chosen', async (t) => {
  const ordered = [
    policy('customer', {}),
    policy('ola a', { kind: 'ola', counterparty: { teamId: 'a' } }),
    policy('ola b', { kind: 'ola', counterparty: { teamId: 'b' } }),
    policy('ola b again', { kind: 'ola', counterparty: { teamId: 'b' } }),
    policy('ola b first response', { kind: 'ola', metric: 'first_response', counterparty: { teamId: 'b' } })
  ]
  t.same(applicablePolicies(ordered, facts('a')).map(p => p.name), ['customer', 'ola a'])
  t.same(applicablePolicies(ordered, facts('b')).map(p => p.name), ['customer', 'ola b', 'ola b first response'])
  t.same(applicablePolicies(ordered, facts(null)).map(p => p.name), ['customer'])
})

t.test('property: every chosen team-bound policy binds the holder, one per kind and metric', async () => {
  const team = fc.constantFrom('a', 'b', 'c')
  const arbitrary = fc.record({
    name: fc.string(),
    kind: fc.constantFrom('sla' as const, 'ola' as const, 'uc' as const),
    metric: fc.constantFrom('first_response' as const, 'resolution' as const),
    appliesTo: fc.record({ teamIds: fc.array(team, { maxLength: 2 }) }),
    counterparty: fc.record({ teamId: team }, { requiredKeys: [] })
  })
  fc.assert(fc.property(fc.array(arbitrary, { maxLength: 12 }), fc.option(team), (ordered, holder) => {
    const chosen = applicablePolicies(ordered, facts(holder))
    const slots = chosen.map(p => `${p.kind}:${p.metric}`)
    return new Set(slots).size === slots.length && chosen.every(p => boundTeamOf(p) === null || boundTeamOf(p) === holder)
  }))
})
