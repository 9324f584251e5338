import t from 'tap'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { dueEvents, markFired, pauseClock, startClock, stopClock, type ClockState } from '../../src/modules/sla/clock.js'
import { openClock, startsCycle, stepClock, type ClockChange, type ClockConfig } from '../../src/modules/sla/clock-step.js'
import { defaultTriggers } from '../../src/modules/sla/triggers.js'

const MIN = 60_000
const T0 = Date.parse('2026-06-01T10:00:00Z')
const at = (minutes: number) => T0 + minutes * MIN
const always = compileCalendar({ timeZone: 'UTC', workingHours: [], holidays: [] })
const config = (over: Partial<ClockConfig> = {}): ClockConfig => ({
  triggers: defaultTriggers('resolution'),
  pauseOn: ['pending'],
  goalMinutes: { p1: 60, p2: 120, p3: 240, p4: 480 },
  warnAt: [50],
  teamId: null,
  ...over
})
const start = (goalMinutes = 120, minutes = 0): ClockState =>
  startClock({ policyId: 'policy', policyVersion: 1, kind: 'ola', metric: 'resolution', goalMs: goalMinutes * MIN, calendarId: null }, always, at(minutes))
// The ticket is p2 (the 120-minute goal of start()) unless a test says otherwise.
const status = (to: string, category: string, fromCategory = 'open', holder: string | null = null, ticketPriority: string | null = 'p2'): ClockChange =>
  ({ event: { kind: 'status', status: to, category, fromCategory }, holder, ticketPriority })
const prioritised = (ticketPriority: string, holder: string | null = null): ClockChange => ({ event: null, holder, ticketPriority, isPriorityChange: true })
const step = (state: ClockState, change: ClockChange, minutes: number, over: Partial<ClockConfig> = {}) => stepClock(state, config(over), change, at(minutes), always)

t.test('a status that pauses opens a pause, the next one ends it, each with its event', async (t) => {
  const paused = step(start(), status('pending', 'pending'), 10)
  t.same(paused.state.pauses, [{ from: at(10), to: null, reason: 'status:pending' }])
  t.same(paused.effects, [{ type: 'sla.paused', cycle: 1, at: at(10), reason: 'status:pending' }])
  const resumed = step(paused.state, status('in_progress', 'open', 'pending'), 30)
  t.same(resumed.state.pauses, [{ from: at(10), to: at(30), reason: 'status:pending' }])
  t.same(resumed.effects, [{ type: 'sla.resumed', cycle: 1, at: at(30) }])
  const again = step(resumed.state, status('in_progress', 'open'), 40)
  t.equal(again.state, resumed.state, 'a change that does nothing returns the state itself')
  t.same(again.effects, [])
})

t.test('a stop within the goal is met; past it, breached without an event (the sweep fires the breach)', async (t) => {
  const met = step(start(), status('resolved', 'resolved'), 60)
  t.equal(met.state.stoppedAt, at(60))
  t.same(met.effects, [{ type: 'sla.met', cycle: 1, at: at(60), businessElapsedMs: 60 * MIN }])
  const late = step(start(), status('resolved', 'resolved'), 180)
  t.equal(late.state.stoppedAt, at(180))
  t.same(late.effects, [])
  const cancelled = step(start(), status('cancelled', 'closed'), 30)
  t.equal(cancelled.state.cancelledAt, at(30))
  t.same(cancelled.effects, [], 'a cancelled cycle is neither met nor breached')
})

t.test('a restart fires what the ending cycle still owes first, then starts the next cycle with its goal', async (t) => {
  const stopped = step(start(), status('resolved', 'resolved'), 180).state
  const reopened = step(stopped, status('in_progress', 'open', 'resolved'), 200)
  t.same(reopened.effects, [
    { type: 'sla.warning', cycle: 1, threshold: 50, at: at(60) },
    { type: 'sla.breached', cycle: 1, at: at(120) }
  ])
  t.match(reopened.state, { cycle: 2, startedAt: at(200), stoppedAt: null, goalMs: 120 * MIN, firedWarnings: [], breachFired: false })
  t.match(reopened.state.completedCycles, [{ cycle: 1, result: 'breached', breachedAt: at(120) }])
  const swept = markFired(stopped, dueEvents(stopped, always, at(190), [50]))
  t.same(step(swept, status('in_progress', 'open', 'resolved'), 200).effects, [], 'what the sweep fired is not fired again')
})

t.test('a cycle the step starts runs under the goal of the ticket\'s priority then, also one changed while the clock stood stopped', async (t) => {
  const stopped = step(start(), status('resolved', 'resolved'), 30).state
  const raised = step(stopped, prioritised('p1'), 40)
  t.equal(raised.state, stopped, 'a stopped cycle keeps its goal and verdict')
  const reopened = step(raised.state, status('in_progress', 'open', 'resolved', null, 'p1'), 50).state
  t.match(reopened, { cycle: 2, startedAt: at(50), goalMs: 60 * MIN, originalDueAt: at(110) }, 'the reopened cycle is due by p1\'s goal')
  t.match(reopened.completedCycles, [{ cycle: 1, goalMs: 120 * MIN, result: 'met' }], 'the ended cycle keeps the goal it ran under')
  t.equal(step(stopped, status('in_progress', 'open', 'resolved', null, 'p4'), 50).state.goalMs, 480 * MIN, 'lowered too')

  const responses = config({ triggers: defaultTriggers('next_response') })
  const answered = stepClock(start(), responses, { event: { kind: 'reply', by: 'agent' }, holder: null, ticketPriority: 'p2' }, at(10), always).state
  t.equal(answered.stoppedAt, at(10))
  const asked = stepClock(answered, responses, { event: { kind: 'reply', by: 'requester' }, holder: null, ticketPriority: 'p3' }, at(20), always).state
  t.match(asked, { cycle: 2, startedAt: at(20), goalMs: 240 * MIN, originalDueAt: at(260) }, 'a requester\'s reply starts the next response cycle under p3\'s goal')

  const resets = config({ triggers: { ...defaultTriggers('resolution'), resetOn: [{ on: 'requester_reply' }] } })
  const reset = stepClock(stopped, resets, { event: { kind: 'reply', by: 'requester' }, holder: null, ticketPriority: 'p1' }, at(60), always).state
  t.match(reset, { cycle: 2, goalMs: 60 * MIN }, 'a reset of a stopped clock starts one under the goal now')
  const running = stepClock(start(), resets, { event: { kind: 'reply', by: 'requester' }, holder: null, ticketPriority: 'p4' }, at(60), always).state
  t.match(running, { cycle: 2, goalMs: 480 * MIN }, 'and so does a reset of a running one')
})

t.test('a change that starts a cycle must carry the ticket\'s priority; one that starts none need not', async (t) => {
  const stopped = step(start(), status('resolved', 'resolved'), 30).state
  t.ok(startsCycle(stopped, config(), status('in_progress', 'open', 'resolved').event), 'reopening starts a resolution cycle')
  t.notOk(startsCycle(start(), config(), status('in_progress', 'open', 'resolved').event), 'an open cycle does not start again')
  t.notOk(startsCycle(stopped, config(), null), 'nor does a change without an event')
  t.notOk(startsCycle(start(), config(), status('pending', 'pending').event))
  t.ok(startsCycle(start(), config({ triggers: { ...defaultTriggers('resolution'), resetOn: [{ on: 'requester_reply' }] } }), { kind: 'reply', by: 'requester' }), 'a reset starts one')
  t.throws(() => step(stopped, status('in_progress', 'open', 'resolved', null, null), 40), /priority/)
  t.equal(step(start(), status('pending', 'pending', 'open', null, null), 40).state.pauses.length, 1, 'a pause needs no priority')
  t.equal(step(start(), status('resolved', 'resolved', 'open', null, null), 40).state.stoppedAt, at(40), 'nor does a stop')
})

t.test('a reset of a paused cycle starts a running one and says so', async (t) => {
  const paused = pauseClock(start(), at(10), 'status:pending')
  const reset = step(paused, { event: { kind: 'reply', by: 'requester' }, holder: null, ticketPriority: 'p2' }, 20, { triggers: { ...defaultTriggers('resolution'), resetOn: [{ on: 'requester_reply' }] } })
  t.match(reset.state, { cycle: 2, startedAt: at(20), pauses: [] })
  t.same(reset.effects, [{ type: 'sla.resumed', cycle: 2, at: at(20) }])
})

t.test('the priority moves the goal of an open cycle', async (t) => {
  const moved = step(start(), prioritised('p1'), 10)
  t.equal(moved.state.goalMs, 60 * MIN)
  t.same(moved.effects, [])
})

t.test('team-bound clocks: a handover ends the leaving team\'s cycle and starts the returning team\'s', async (t) => {
  const ola = config({ teamId: 'desk' })
  const handover = (holder: string | null, rejoins: boolean, ticketStatus = 'in_progress', ticketPriority = 'p2'): ClockChange =>
    ({ event: { kind: 'team', teamId: holder }, holder, ticketPriority, handover: { status: ticketStatus, statusCategory: ticketStatus === 'pending' ? 'pending' : 'open', rejoins } })

  const left = stepClock(start(), ola, handover('network', false), at(30), always)
  t.equal(left.state.stoppedAt, at(30))
  t.same(left.effects, [{ type: 'sla.met', cycle: 1, at: at(30), businessElapsedMs: 30 * MIN, teamId: 'desk' }], 'the met event names the team')

  const moved = stepClock(left.state, ola, status('pending', 'pending', 'open', 'network'), at(40), always)
  t.equal(moved.state, left.state, 'while another team holds the ticket, its events do not touch the clock')

  const back = stepClock(left.state, ola, handover('desk', true, 'pending', 'p1'), at(50), always)
  t.match(back.state, { cycle: 2, startedAt: at(50), goalMs: 60 * MIN, originalDueAt: at(110), pauses: [{ from: at(50), to: null, reason: 'status:pending' }] }, 'the goal of the priority now (and the due instant it gives), paused by the status now')
  t.same(back.effects, [{ type: 'sla.paused', cycle: 2, at: at(50), reason: 'status:pending' }], 'the new cycle says it starts paused')

  t.equal(stepClock(left.state, ola, handover('desk', false), at(50), always).state, left.state, 'a policy that does not start for the team leaves the clock stopped')
  const resolved: ClockChange = { event: { kind: 'team', teamId: 'desk' }, holder: 'desk', ticketPriority: 'p2', handover: { status: 'resolved', statusCategory: 'resolved', rejoins: true } }
  t.equal(stepClock(left.state, ola, resolved, at(50), always).state, left.state, 'nothing starts on a resolved ticket')

  const runningLate = stepClock(start(30), ola, handover('network', false), at(200), always)
  t.same(runningLate.effects, [], 'leaving past the goal: breached, no met')
  const backLate = stepClock(runningLate.state, ola, handover('desk', true), at(300), always)
  t.same(backLate.effects.map(e => e.type), ['sla.warning', 'sla.breached'], 'coming back fires what the ended cycle owes')
})

t.test('the triggers of the clock decide, as in actionFor', async (t) => {
  const handsOn = config({ triggers: { startOn: [{ on: 'status', statuses: ['in_progress'] }], stopOn: [{ on: 'status', statuses: ['waiting'] }], cancelOn: [], resetOn: [{ on: 'team_assigned', teamIds: ['desk'] }] } })
  const stopped = stepClock(start(), handsOn, status('waiting', 'pending'), at(20), always)
  t.equal(stopped.state.stoppedAt, at(20), 'stopOn a status')
  t.same(stopped.effects.map(e => e.type), ['sla.met'])
  t.equal(stepClock(start(), handsOn, status('resolved', 'resolved'), at(20), always).state.stoppedAt, null, 'the default stop no longer applies')
  const restarted = stepClock(stopped.state, handsOn, status('in_progress', 'open', 'pending'), at(30), always)
  t.match(restarted.state, { cycle: 2, startedAt: at(30) })
  const reset = stepClock(restarted.state, handsOn, { event: { kind: 'team', teamId: 'desk' }, holder: 'desk', ticketPriority: 'p2' }, at(40), always)
  t.match(reset.state, { cycle: 3, startedAt: at(40) })
})

t.test('openClock pauses a new clock at once when the ticket\'s status pauses it', async (t) => {
  const params = { policyId: 'policy', policyVersion: 1, kind: 'sla' as const, metric: 'resolution' as const, goalMs: 60 * MIN, calendarId: null }
  t.same(openClock(params, always, at(0), 'pending', ['pending']).state.pauses, [{ from: at(0), to: null, reason: 'status:pending' }])
  t.same(openClock(params, always, at(0), 'new', ['pending']).state.pauses, [])
  t.same(openClock(params, always, at(0), 'pending', ['pending']).effects, [{ type: 'sla.paused', cycle: 1, at: at(0), reason: 'status:pending' }], 'and says so')
  t.same(openClock(params, always, at(0), 'new', ['pending']).effects, [])
  t.equal(stopClock(openClock(params, always, at(0), 'new', []).state, at(5)).stoppedAt, at(5))
})
