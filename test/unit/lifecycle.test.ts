import t from 'tap'
import fc from 'fast-check'
import { DEFAULT_WORKFLOWS, RESOLUTIONS, TICKET_TYPES, type TransitionActor } from '../../src/modules/workflows/definition.js'
import { availableTransitions, categoryOf, transition, type LifecycleState } from '../../src/modules/workflows/lifecycle.js'
import { InvalidTransitionError, ValidationError } from '../../src/shared/errors.js'

const now = new Date('2026-03-01T10:00:00Z')
const stateOf = (type: keyof typeof DEFAULT_WORKFLOWS, status: string): LifecycleState => ({
  status, statusCategory: categoryOf(DEFAULT_WORKFLOWS[type], status), resolution: null, resolvedAt: null, closedAt: null
})
const agent: TransitionActor[] = ['agent', 'requester']
const requester: TransitionActor[] = ['requester']

/** Every legal move of every shipped workflow, as [from, to] for an agent. */
const legal: Record<string, Array<[string, string]>> = {
  incident: [['new', 'in_progress'], ['pending', 'in_progress'], ['in_progress', 'pending'], ['new', 'resolved'], ['in_progress', 'resolved'], ['pending', 'resolved'],
    ['resolved', 'in_progress'], ['resolved', 'closed'], ['new', 'cancelled'], ['in_progress', 'cancelled'], ['pending', 'cancelled']],
  service_request: [['new', 'awaiting_approval'], ['new', 'in_progress'], ['awaiting_approval', 'in_progress'], ['pending', 'in_progress'], ['awaiting_approval', 'rejected'],
    ['in_progress', 'pending'], ['in_progress', 'resolved'], ['pending', 'resolved'], ['resolved', 'in_progress'], ['resolved', 'closed'], ['new', 'cancelled'],
    ['awaiting_approval', 'cancelled'], ['in_progress', 'cancelled'], ['pending', 'cancelled']],
  problem: [['new', 'investigating'], ['investigating', 'known_error'], ['investigating', 'resolved'], ['known_error', 'resolved'], ['resolved', 'investigating'], ['resolved', 'closed']],
  change: [['draft', 'assessment'], ['assessment', 'awaiting_approval'], ['awaiting_approval', 'scheduled'], ['awaiting_approval', 'rejected'], ['scheduled', 'implementing'],
    ['implementing', 'review'], ['review', 'closed'], ['draft', 'cancelled'], ['assessment', 'cancelled'], ['awaiting_approval', 'cancelled'], ['scheduled', 'cancelled']]
}

for (const type of TICKET_TYPES) {
  t.test(`${type}: exactly the documented moves are legal for an agent`, async (t) => {
    const definition = DEFAULT_WORKFLOWS[type]
    const statuses = definition.states.map(s => s.key)
    for (const from of statuses) {
      for (const to of statuses) {
        const expected = legal[type]!.some(([f, tt]) => f === from && tt === to)
        const allowed = availableTransitions(definition, from, agent).some(a => a.to === to)
        t.equal(allowed, expected, `${from} → ${to}`)
        const request = { to, resolution: 'fixed', comment: 'because' }
        if (expected) t.equal(transition(definition, stateOf(type, from), request, agent, now).status, to)
        else t.throws(() => transition(definition, stateOf(type, from), request, agent, now), InvalidTransitionError)
      }
    }
  })
}

t.test('closed is final in every workflow', async (t) => {
  for (const type of TICKET_TYPES) {
    const definition = DEFAULT_WORKFLOWS[type]
    for (const state of definition.states.filter(s => s.category === 'closed')) {
      t.same(availableTransitions(definition, state.key, agent), [], `${type} ${state.key}`)
    }
  }
})

t.test('requesters may only cancel a new incident and reopen a resolved one', async (t) => {
  const incident = DEFAULT_WORKFLOWS.incident
  t.same(availableTransitions(incident, 'new', requester).map(a => a.to), ['cancelled'])
  t.same(availableTransitions(incident, 'resolved', requester).map(a => a.to), ['in_progress'])
  t.same(availableTransitions(incident, 'in_progress', requester), [])
  t.same(availableTransitions(incident, 'pending', requester), [])
})

t.test('resolving requires a resolution, and an illegal move names the allowed ones', async (t) => {
  const incident = DEFAULT_WORKFLOWS.incident
  t.throws(() => transition(incident, stateOf('incident', 'in_progress'), { to: 'resolved' }, agent, now), ValidationError)
  t.throws(() => transition(incident, stateOf('incident', 'in_progress'), { to: 'resolved', resolution: 'bogus' }, agent, now), ValidationError)
  try {
    transition(incident, stateOf('incident', 'new'), { to: 'closed' }, agent, now)
    t.fail('should throw')
  } catch (err) {
    t.match(err, { code: 'TICKET_INVALID_TRANSITION', details: { from: 'new', to: 'closed', allowed: ['in_progress', 'resolved', 'cancelled'] } })
  }
})

t.test('property: any sequence of allowed moves keeps the ticket in a known state with consistent timestamps', async () => {
  const typeArb = fc.constantFrom(...TICKET_TYPES)
  fc.assert(fc.property(typeArb, fc.array(fc.nat(), { maxLength: 40 }), fc.constantFrom(...RESOLUTIONS), (type, picks, resolution) => {
    const definition = DEFAULT_WORKFLOWS[type]
    let state = stateOf(type, definition.initial)
    for (const pick of picks) {
      const options = availableTransitions(definition, state.status, agent)
      if (options.length === 0) {
        // Only closed states are dead ends.
        if (state.statusCategory !== 'closed') return false
        break
      }
      const next = options[pick % options.length]!
      state = transition(definition, state, { to: next.to, resolution, comment: 'c' }, agent, now)
      if (state.statusCategory !== categoryOf(definition, state.status)) return false
      if ((state.statusCategory === 'resolved') !== (state.resolvedAt !== null && state.closedAt === null) && state.statusCategory !== 'closed') return false
      if (state.statusCategory === 'resolved' && state.resolution !== resolution) return false
      if ((state.statusCategory === 'closed') !== (state.closedAt !== null)) return false
      if (state.statusCategory !== 'resolved' && state.statusCategory !== 'closed' && state.resolution !== null) return false
    }
    return true
  }), { numRuns: 2000 })
})

t.test('property: a transition not offered is always refused and changes nothing', async () => {
  fc.assert(fc.property(fc.constantFrom(...TICKET_TYPES), fc.string(), fc.nat(), (type, target, pick) => {
    const definition = DEFAULT_WORKFLOWS[type]
    const from = definition.states[pick % definition.states.length]!.key
    const state = stateOf(type, from)
    const offered = availableTransitions(definition, from, agent).map(a => a.to)
    if (offered.includes(target)) return true
    const before = JSON.stringify(state)
    try {
      transition(definition, state, { to: target, resolution: 'fixed', comment: 'c' }, agent, now)
      return false
    } catch (err) {
      return err instanceof InvalidTransitionError && JSON.stringify(state) === before
    }
  }), { numRuns: 2000 })
})
