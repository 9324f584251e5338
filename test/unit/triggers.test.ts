import t from 'tap'
import fc from 'fast-check'
import { METRICS } from '../../src/modules/sla/policy.js'
import { actionFor, CONDITION_KINDS, defaultTriggers, holds, triggersOf, validateTriggers, type Condition, type TicketEvent, type Triggers } from '../../src/modules/sla/triggers.js'

const status = (to: string, category: string, fromCategory = 'open'): TicketEvent => ({ kind: 'status', status: to, category, fromCategory })
const agentReply: TicketEvent = { kind: 'reply', by: 'agent' }
const requesterReply: TicketEvent = { kind: 'reply', by: 'requester' }

t.test('conditions hold for the events they name', async (t) => {
  const table: Array<[Condition, TicketEvent, boolean]> = [
    [{ on: 'created' }, { kind: 'created' }, true],
    [{ on: 'created' }, agentReply, false],
    [{ on: 'status', statuses: ['pending'] }, status('pending', 'pending'), true],
    [{ on: 'status', statuses: ['pending'] }, status('in_progress', 'open'), false],
    [{ on: 'status_category', categories: ['resolved'] }, status('resolved', 'resolved'), true],
    [{ on: 'status_category', categories: ['open'] }, status('implementing', 'open', 'open'), false],
    [{ on: 'reopened' }, status('in_progress', 'open', 'resolved'), true],
    [{ on: 'reopened' }, status('in_progress', 'open', 'pending'), false],
    [{ on: 'reopened' }, status('closed', 'closed', 'resolved'), false],
    [{ on: 'agent_reply' }, agentReply, true],
    [{ on: 'agent_reply' }, requesterReply, false],
    [{ on: 'requester_reply' }, requesterReply, true],
    [{ on: 'team_assigned' }, { kind: 'team', teamId: 'a' }, true],
    [{ on: 'team_assigned' }, { kind: 'team', teamId: null }, false],
    [{ on: 'team_assigned', teamIds: ['b'] }, { kind: 'team', teamId: 'a' }, false],
    [{ on: 'team_assigned', teamIds: ['a', 'b'] }, { kind: 'team', teamId: 'a' }, true]
  ]
  for (const [condition, event, expected] of table) t.equal(holds(condition, event), expected, `${JSON.stringify(condition)} on ${JSON.stringify(event)}`)
})

t.test('the defaults reproduce the clocks\' earlier behaviour per metric', async (t) => {
  const table: Array<[typeof METRICS[number], TicketEvent, boolean, string | null]> = [
    ['resolution', status('resolved', 'resolved'), true, 'stop'],
    ['resolution', status('cancelled', 'closed'), true, 'cancel'],
    ['resolution', status('rejected', 'closed', 'pending'), true, 'cancel'],
    ['resolution', status('in_progress', 'open', 'resolved'), false, 'start'],
    ['resolution', status('pending', 'pending'), true, null],
    ['resolution', agentReply, true, null],
    ['first_response', agentReply, true, 'stop'],
    ['first_response', agentReply, false, null],
    ['first_response', requesterReply, false, null],
    ['first_response', status('resolved', 'resolved'), true, 'stop'],
    ['first_response', status('in_progress', 'open', 'resolved'), false, null],
    ['next_response', agentReply, true, 'stop'],
    ['next_response', requesterReply, false, 'start'],
    ['next_response', requesterReply, true, null]
  ]
  for (const [metric, event, isOpen, expected] of table) {
    t.equal(actionFor(defaultTriggers(metric), event, isOpen), expected, `${metric}, ${isOpen ? 'open' : 'ended'}, ${JSON.stringify(event)}`)
  }
})

t.test('each list a policy gives replaces only that default', async (t) => {
  const triggers = triggersOf({ metric: 'resolution', stopOn: [{ on: 'agent_reply' }] })
  t.same(triggers.stopOn, [{ on: 'agent_reply' }])
  t.same(triggers.startOn, defaultTriggers('resolution').startOn)
  t.same(triggers.cancelOn, defaultTriggers('resolution').cancelOn)
})

t.test('precedence: cancel over stop over reset over start; reset restarts only an open cycle', async (t) => {
  const all: Triggers = { startOn: [{ on: 'agent_reply' }], stopOn: [{ on: 'agent_reply' }], cancelOn: [{ on: 'agent_reply' }], resetOn: [{ on: 'agent_reply' }] }
  t.equal(actionFor(all, agentReply, true), 'cancel')
  t.equal(actionFor({ ...all, cancelOn: [] }, agentReply, true), 'stop')
  t.equal(actionFor({ ...all, cancelOn: [], stopOn: [] }, agentReply, true), 'reset')
  t.equal(actionFor({ ...all, cancelOn: [], stopOn: [] }, agentReply, false), 'start', 'a reset on an ended cycle starts one')
  t.equal(actionFor({ ...all, cancelOn: [], stopOn: [], resetOn: [] }, agentReply, true), null, 'start leaves a running cycle alone')
})

const kinds = fc.constantFrom(...CONDITION_KINDS)
const condition = kinds.map((on): Condition => ({ on, statuses: ['pending'], categories: ['resolved'] }))
const event = fc.oneof(
  fc.constant<TicketEvent>({ kind: 'created' }),
  fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom('pending', 'resolved', 'in_progress'), category: fc.constantFrom('pending', 'resolved', 'open'), fromCategory: fc.constantFrom('open', 'resolved') }),
  fc.record({ kind: fc.constant('reply' as const), by: fc.constantFrom('agent' as const, 'requester' as const) }),
  fc.record({ kind: fc.constant('team' as const), teamId: fc.option(fc.constantFrom('a', 'b')) })
)
const lists = fc.record({ startOn: fc.array(condition, { maxLength: 3 }), stopOn: fc.array(condition, { maxLength: 3 }), cancelOn: fc.array(condition, { maxLength: 3 }), resetOn: fc.array(condition, { maxLength: 3 }) })

t.test('property: stop and cancel never act on an ended cycle, start never on an open one', async () => {
  fc.assert(fc.property(lists, event, fc.boolean(), (triggers, e, isOpen) => {
    const action = actionFor(triggers, e, isOpen)
    if (!isOpen) return action === null || action === 'start'
    return action !== 'start'
  }))
})

t.test('property: an action needs a matching condition in its list', async () => {
  fc.assert(fc.property(lists, event, fc.boolean(), (triggers, e, isOpen) => {
    const action = actionFor(triggers, e, isOpen)
    const matched = (list: Condition[]) => list.some(c => holds(c, e))
    if (action === 'cancel') return matched(triggers.cancelOn)
    if (action === 'stop') return matched(triggers.stopOn)
    if (action === 'reset') return matched(triggers.resetOn)
    if (action === 'start') return matched(triggers.startOn) || matched(triggers.resetOn)
    return true
  }))
})

t.test('conditions that cannot mean anything are named', async (t) => {
  t.same(validateTriggers({ stopOn: [{ on: 'status' }, { on: 'agent_reply', teamIds: ['a'] }], startOn: [{ on: 'status_category', categories: ['open'] }] }).map(p => p.path),
    ['/stopOn/0/statuses', '/stopOn/1/teamIds'])
  t.same(validateTriggers({ resetOn: [{ on: 'team_assigned', teamIds: ['a'] }, { on: 'status', statuses: ['pending'], categories: ['open'] }] }).map(p => p.path), ['/resetOn/1/categories'])
})
