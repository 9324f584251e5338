import { deepStrictEqual } from 'node:assert/strict'
import t from 'tap'
import fc from 'fast-check'
import { compileCalendar, type CompiledCalendar } from '../../src/modules/sla/business-time.js'
import { dueEvents, isClockOpen, markFired, type ClockState } from '../../src/modules/sla/clock.js'
import { openClock, stepClock, type ClockChange } from '../../src/modules/sla/clock-step.js'
import type { Metric } from '../../src/modules/sla/policy.js'
import { replayCycle, type ReplayPolicy, type TimelineEvent } from '../../src/modules/sla/replay.js'
import { actionFor, defaultTriggers, type TicketEvent, type Triggers } from '../../src/modules/sla/triggers.js'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const always = compileCalendar({ timeZone: 'UTC', workingHours: [], holidays: [] })
const berlin = compileCalendar({ timeZone: 'Europe/Berlin', workingHours: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map(day => ({ day, from: '09:00', to: '17:00' })), holidays: [] })
const CATEGORY: Record<string, string> = { new: 'new', in_progress: 'open', pending: 'pending', waiting: 'pending', resolved: 'resolved', closed: 'closed', cancelled: 'closed', rejected: 'closed' }
const ENDED = ['resolved', 'closed']

interface Ticket { status: string, statusCategory: string, priority: string, teamId: string | null }
type Command =
  | { kind: 'wait', ms: number }
  | { kind: 'sweep' }
  | { kind: 'status', to: string }
  | { kind: 'reply', byAgent: boolean, isPublic: boolean }
  | { kind: 'update', teamId?: string | null, priority?: string }

/**
 * One policy's clock on one ticket, moved the way ./clocks.ts moves it (its policy taken to apply):
 * attach on open, followHolder then a step per clock then startLate on each change, and sweeps
 * firing what is due. Alongside, the timeline the ticket service records.
 */
class LiveTicket {
  clock: ClockState | null = null
  readonly timeline: TimelineEvent[] = []
  now: number

  constructor (readonly policy: ReplayPolicy & { metric: Metric }, readonly calendar: CompiledCalendar, public ticket: Ticket, at: number) {
    this.now = at
    this.timeline.push({ type: 'ticket.created', at, before: null, after: { ...ticket, title: 'x' }, byAgent: true })
    if (this.startsWithTicket && this.holds) this.clock = this.open()
  }

  get startsWithTicket () { return this.policy.triggers.startOn.some(c => c.on === 'created') }
  get holds () { return this.policy.teamId === null || this.policy.teamId === this.ticket.teamId }

  open () {
    const params = { policyId: 'policy', policyVersion: this.policy.version, kind: 'ola' as const, metric: this.policy.metric, goalMs: this.policy.goalMinutes[this.ticket.priority]! * MIN, calendarId: this.policy.calendarId }
    return openClock(params, this.calendar, this.now, this.ticket.status, this.policy.pauseOn).state
  }

  step (change: ClockChange) {
    this.clock = stepClock(this.clock!, this.policy, change, this.now, this.calendar).state
  }

  run (command: Command) {
    if (command.kind === 'wait') { this.now += command.ms; return }
    if (command.kind === 'sweep') {
      if (this.clock !== null) this.clock = markFired(this.clock, dueEvents(this.clock, this.calendar, this.now, this.policy.warnAt))
      return
    }
    let event: TicketEvent | null = null
    let isPriorityChange = false
    if (command.kind === 'status') {
      if (command.to === this.ticket.status) return
      const before = { status: this.ticket.status, statusCategory: this.ticket.statusCategory }
      this.ticket = { ...this.ticket, status: command.to, statusCategory: CATEGORY[command.to]! }
      this.timeline.push({ type: 'ticket.status_changed', at: this.now, before, after: { status: this.ticket.status, statusCategory: this.ticket.statusCategory, resolution: null }, byAgent: true })
      event = { kind: 'status', status: this.ticket.status, category: this.ticket.statusCategory, fromCategory: before.statusCategory }
    } else if (command.kind === 'reply') {
      this.timeline.push({ type: 'comment.added', at: this.now, before: null, after: { visibility: command.isPublic ? 'public' : 'internal', body: 'hi' }, byAgent: command.byAgent })
      if (!command.isPublic) return
      event = { kind: 'reply', by: command.byAgent ? 'agent' : 'requester' }
    } else {
      const after: Record<string, unknown> = {}
      if (command.teamId !== undefined && command.teamId !== this.ticket.teamId) after.teamId = command.teamId
      if (command.priority !== undefined && command.priority !== this.ticket.priority) after.priority = command.priority
      if (Object.keys(after).length === 0) return
      this.ticket = { ...this.ticket, ...after }
      this.timeline.push({ type: 'ticket.updated', at: this.now, before: {}, after, byAgent: true })
      isPriorityChange = 'priority' in after
      if ('teamId' in after) {
        event = { kind: 'team', teamId: this.ticket.teamId }
        this.followHolder()
      }
    }
    // Every clock steps with the change, but a team's clock while another team holds the ticket.
    if (this.clock !== null && this.holds) this.step({ event, holder: this.ticket.teamId, ticketPriority: this.ticket.priority, isPriorityChange })
    // startLate: a policy without a clock that starts on this event (one that starts with the ticket only when team-bound).
    const late = !this.startsWithTicket || this.policy.teamId !== null
    if (this.clock === null && event !== null && late && this.holds && actionFor(this.policy.triggers, event, false) === 'start') this.clock = this.open()
  }

  followHolder () {
    const { status, statusCategory, priority, teamId } = this.ticket
    const handover = (rejoins: boolean): ClockChange => ({ event: null, holder: teamId, ticketPriority: priority, handover: { status, statusCategory, rejoins } })
    if (this.clock !== null && this.policy.teamId !== null && !this.holds && isClockOpen(this.clock)) this.step(handover(false))
    if (teamId === null || ENDED.includes(statusCategory) || this.policy.teamId !== teamId || !this.startsWithTicket) return
    if (this.clock === null) this.clock = this.open()
    else if (!isClockOpen(this.clock)) this.step(handover(true))
  }
}

const PRESETS: Array<{ metric: Metric, triggers: Triggers }> = [
  { metric: 'resolution', triggers: defaultTriggers('resolution') },
  { metric: 'first_response', triggers: defaultTriggers('first_response') },
  { metric: 'next_response', triggers: defaultTriggers('next_response') },
  { metric: 'resolution', triggers: { ...defaultTriggers('resolution'), stopOn: [{ on: 'status', statuses: ['waiting'] }] } },
  { metric: 'resolution', triggers: { startOn: [{ on: 'status', statuses: ['in_progress'] }], stopOn: [{ on: 'status_category', categories: ['resolved'] }], cancelOn: [], resetOn: [{ on: 'team_assigned', teamIds: ['team-a'] }] } },
  { metric: 'resolution', triggers: { ...defaultTriggers('resolution'), resetOn: [{ on: 'requester_reply' }] } },
  { metric: 'next_response', triggers: { startOn: [{ on: 'status_category', categories: ['pending'] }], stopOn: [{ on: 'agent_reply' }], cancelOn: [{ on: 'team_assigned' }], resetOn: [] } },
  { metric: 'resolution', triggers: { startOn: [{ on: 'created' }, { on: 'team_assigned' }], stopOn: [{ on: 'status', statuses: ['waiting'] }, { on: 'status_category', categories: ['resolved', 'closed'] }], cancelOn: [], resetOn: [{ on: 'reopened' }] } },
  { metric: 'resolution', triggers: { ...defaultTriggers('resolution'), resetOn: [{ on: 'team_assigned' }] } }
]
const STATUSES = Object.keys(CATEGORY)
const PRIORITIES = ['p1', 'p2', 'p3', 'p4']
const TEAMS = [null, 'team-a', 'team-b']

const policyArb = fc.record({
  preset: fc.constantFrom(...PRESETS),
  pauseOn: fc.subarray(['pending', 'waiting', 'new']),
  goals: fc.tuple(...PRIORITIES.map(() => fc.constantFrom(0, 15, 60, 240, 480))),
  warnAt: fc.constantFrom([], [50], [50, 80]),
  teamId: fc.constantFrom(null, 'team-a')
}).map(({ preset, pauseOn, goals, warnAt, teamId }): ReplayPolicy & { metric: Metric } => ({
  metric: preset.metric,
  triggers: preset.triggers,
  pauseOn,
  goalMinutes: Object.fromEntries(PRIORITIES.map((p, i) => [p, goals[i]!])),
  warnAt,
  teamId,
  version: 1,
  calendarId: null
}))
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0, 0, 1, MIN, 37 * MIN, 3 * HOUR, DAY, 3 * DAY).map(ms => ({ kind: 'wait' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
  { weight: 4, arbitrary: fc.constantFrom(...STATUSES).map(to => ({ kind: 'status' as const, to })) },
  { weight: 2, arbitrary: fc.record({ byAgent: fc.boolean(), isPublic: fc.boolean() }).map(r => ({ kind: 'reply' as const, ...r })) },
  { weight: 3, arbitrary: fc.record({ teamId: fc.constantFrom(...TEAMS), priority: fc.constantFrom(...PRIORITIES) }, { requiredKeys: [] }).map(r => ({ kind: 'update' as const, ...r })) }
)
const ticketArb = fc.record({ status: fc.constantFrom('new', 'in_progress', 'pending'), priority: fc.constantFrom(...PRIORITIES), teamId: fc.constantFrom(...TEAMS) })
  .map(r => ({ ...r, statusCategory: CATEGORY[r.status]! }))

t.test('replaying the timeline under the unchanged policy and calendar gives exactly the live clock, after every change', async (t) => {
  // Histories where the priority moved to another goal while the clock stood stopped, and a later
  // change started a cycle: the new cycle's goal is where a stale goal would show.
  let restartsAfterMove = 0
  t.doesNotThrow(() => fc.assert(fc.property(
    policyArb, fc.constantFrom(always, berlin), ticketArb, fc.array(commandArb, { minLength: 5, maxLength: 40 }),
    (policy, calendar, ticket, commands) => {
      const live = new LiveTicket(policy, calendar, ticket, Date.parse('2026-06-01T07:00:00Z'))
      let movedWhileStopped = false
      for (const command of commands) {
        const before = live.clock
        const priority = live.ticket.priority
        live.run(command)
        if (live.clock === null) continue
        if (before !== null && !isClockOpen(before) && live.ticket.priority !== priority && policy.goalMinutes[priority] !== policy.goalMinutes[live.ticket.priority]) movedWhileStopped = true
        if (before !== null && live.clock.cycle > before.cycle) {
          if (movedWhileStopped) restartsAfterMove++
          movedWhileStopped = false
        }
        deepStrictEqual(replayCycle(live.clock, policy, calendar, live.timeline), live.clock)
      }
    }
  ), { numRuns: 1000 }))
  t.ok(restartsAfterMove >= 50, `the histories restart clocks after a priority change while stopped (${restartsAfterMove} times)`)
})

const T0 = Date.parse('2026-06-01T10:00:00Z')
const at = (minutes: number) => T0 + minutes * MIN
const created = (over: Record<string, unknown> = {}): TimelineEvent => ({ type: 'ticket.created', at: at(0), before: null, after: { status: 'new', statusCategory: 'new', priority: 'p3', teamId: null, ...over }, byAgent: true })
const moved = (minutes: number, from: string, to: string): TimelineEvent => ({ type: 'ticket.status_changed', at: at(minutes), before: { status: from, statusCategory: CATEGORY[from] }, after: { status: to, statusCategory: CATEGORY[to] }, byAgent: true })
const assigned = (minutes: number, teamId: string | null): TimelineEvent => ({ type: 'ticket.updated', at: at(minutes), before: {}, after: { teamId }, byAgent: true })
const policyOf = (over: Partial<ReplayPolicy> = {}): ReplayPolicy => ({ version: 2, triggers: defaultTriggers('resolution'), pauseOn: ['pending'], goalMinutes: { p1: 60, p2: 120, p3: 240, p4: 480 }, warnAt: [], teamId: null, calendarId: null, ...over })
const clockAt = (minutes: number, goalMinutes = 240) => openClock({ policyId: 'policy', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: goalMinutes * MIN, calendarId: null }, always, at(minutes), 'new', []).state

t.test('under a new version, its own stop conditions end the cycle where they hold', async (t) => {
  const timeline = [created(), moved(10, 'new', 'in_progress'), moved(30, 'in_progress', 'waiting'), moved(50, 'waiting', 'in_progress')]
  const live = clockAt(0)
  const replayed = replayCycle(live, policyOf({ triggers: { ...defaultTriggers('resolution'), stopOn: [{ on: 'status', statuses: ['waiting'] }] } }), always, timeline)
  t.match(replayed, { cycle: 1, startedAt: at(0), stoppedAt: at(30), policyVersion: 2 })
  const resumed = replayCycle(live, policyOf({ triggers: { ...defaultTriggers('resolution'), startOn: [{ on: 'created' }, { on: 'status', statuses: ['in_progress'] }], stopOn: [{ on: 'status', statuses: ['waiting'] }] } }), always, timeline)
  t.match(resumed, { cycle: 2, startedAt: at(50), stoppedAt: null, completedCycles: [{ cycle: 1, startedAt: at(0), stoppedAt: at(30), result: 'met' }] }, 'and its start conditions begin the next one')
})

t.test('a team-bound clock follows the holder through the timeline', async (t) => {
  const ola = policyOf({ teamId: 'desk' })
  const timeline = [created({ teamId: 'desk' }), assigned(20, 'network'), moved(30, 'new', 'pending'), assigned(40, 'desk'), moved(50, 'pending', 'in_progress')]
  // The live clock, recalculated just after the ticket went to the network team (a stale row, say).
  const replayed = replayCycle(clockAt(0), ola, always, timeline)
  t.match(replayed, { cycle: 2, startedAt: at(40), stoppedAt: null, pauses: [{ from: at(40), to: at(50), reason: 'status:pending' }] }, 'stopped on leaving, restarted paused on coming back')
  t.match(replayed.completedCycles, [{ cycle: 1, startedAt: at(0), stoppedAt: at(20), result: 'met', pauses: [] }], 'the pending status under the network team did not pause it')
  const noReturn = replayCycle(clockAt(0), { ...ola, triggers: { ...ola.triggers, startOn: [{ on: 'reopened' }] } }, always, timeline)
  t.match(noReturn, { cycle: 1, stoppedAt: at(20) }, 'a policy that does not start with the ticket stays stopped when its team comes back')
})

t.test('the changes sharing the start instant: those before the start stay out of the cycle', async (t) => {
  // One instant: resolved, reopened (the new cycle begins), then pending (paused at once).
  const timeline = [created(), moved(10, 'new', 'in_progress'), moved(60, 'in_progress', 'resolved'), moved(60, 'resolved', 'in_progress'), moved(60, 'in_progress', 'pending'), moved(90, 'pending', 'in_progress')]
  const policy = policyOf({ version: 1 })
  const live = new LiveTicket({ ...policy, metric: 'resolution' }, always, { status: 'new', statusCategory: 'new', priority: 'p3', teamId: null }, at(0))
  for (const [minutes, to] of [[10, 'in_progress'], [60, 'resolved'], [60, 'in_progress'], [60, 'pending'], [90, 'in_progress']] as const) {
    live.run({ kind: 'wait', ms: at(minutes) - live.now })
    live.run({ kind: 'status', to })
  }
  t.match(live.clock, { cycle: 2, startedAt: at(60), pauses: [{ from: at(60), to: at(90) }] })
  t.same(replayCycle(live.clock!, policy, always, timeline), live.clock)
  t.same(replayCycle(live.clock!, policy, always, live.timeline), live.clock)
})

t.test('a restarted cycle begins under the goal of the ticket\'s priority then, read under the policy replayed', async (t) => {
  // Priority p3 → p1 while resolved: the reopened cycle runs under p1's goal, as the live clocks do.
  const timeline = [created(), moved(10, 'new', 'resolved'), { type: 'ticket.updated', at: at(20), before: {}, after: { priority: 'p1' }, byAgent: true }, moved(30, 'resolved', 'in_progress')]
  let live = clockAt(0)
  live = stepClock(live, policyOf(), { event: { kind: 'status', status: 'resolved', category: 'resolved', fromCategory: 'new' }, holder: null, ticketPriority: 'p3' }, at(10), always).state
  live = stepClock(live, policyOf(), { event: null, holder: null, ticketPriority: 'p1', isPriorityChange: true }, at(20), always).state
  live = stepClock(live, policyOf(), { event: { kind: 'status', status: 'in_progress', category: 'open', fromCategory: 'resolved' }, holder: null, ticketPriority: 'p1' }, at(30), always).state
  t.match(live, { cycle: 2, goalMs: 60 * MIN, originalDueAt: at(90) })
  t.same(replayCycle(live, policyOf({ version: 1 }), always, timeline), live)
  t.match(replayCycle(live, policyOf({ goalMinutes: { p1: 30, p2: 90, p3: 300, p4: 600 } }), always, timeline), { goalMs: 30 * MIN, originalDueAt: at(60), completedCycles: [{ goalMs: 240 * MIN }] }, 'p1 under the new goals; the completed cycle stays as it ended')
})
