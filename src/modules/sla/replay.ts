/**
 * Recomputes the current cycle of a clock from the ticket's timeline under a policy's current
 * version and calendar: what the clock would say had they been in force all along. Pure: the
 * timeline, the policy and the compiled calendar come in as data.
 *
 * The timeline is folded, oldest first, through the step the live clocks take (./clock-step.ts),
 * so stops, cancels, restarts, pauses, goals and team handovers follow the policy's triggers
 * exactly as they do live, and a recalculation under an unchanged policy and calendar reproduces
 * the live clock. The cycle keeps its start instant and number, and the clock keeps its completed
 * cycles (frozen when they ended) and the warnings and breach it has already fired this cycle
 * (each fires once per cycle).
 *
 * Where the cycle begins: several changes can share the start instant (one request records a
 * transition and its comment at one instant), and some of them came before the start, some after.
 * The changes at that instant are stepped from the clock as it stood when the instant began (no
 * clock yet, or the ended cycle before it, stopped or still running) until a cycle begins as many
 * times as the clock's cycles began at that instant; the rest of the timeline follows. When the
 * policy no longer begins a cycle there, the cycle begins after all of them.
 *
 * Applicability (`appliesTo`, and which of several policies for one metric wins) is not
 * re-decided: the clock's policy is taken to apply to its ticket, as it did when the clock started.
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ClockState } from './clock.js'
import { goalMsOf, openClock, stepClock, type ClockChange, type ClockConfig } from './clock-step.js'
import { actionFor, type TicketEvent } from './triggers.js'

const ENDED: readonly string[] = ['resolved', 'closed']

/** One entry of the ticket's timeline, as ticket_events stores it. */
export interface TimelineEvent {
  type: string
  at: number
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  /** The actor works the ticket's desk (an agent's public reply stops response clocks). */
  byAgent: boolean
}

/** What the clock takes from its policy's current version, and the team its row binds it to. */
export interface ReplayPolicy extends ClockConfig {
  version: number
  calendarId: string | null
}

/** The ticket as it stands after a change. */
interface TicketSnapshot {
  status: string
  statusCategory: string
  priority: string
  teamId: string | null
}

interface TimedChange {
  at: number
  change: ClockChange
  ticket: TicketSnapshot
}

/**
 * The clock's current cycle replayed over `timeline` (oldest first) under `policy` and `calendar`.
 * Every cycle begins under the policy's goal for the priority the ticket had at that instant.
 */
export function replayCycle (previous: ClockState, policy: ReplayPolicy, calendar: CompiledCalendar, timeline: readonly TimelineEvent[]): ClockState {
  const changes = clockChanges(timeline, policy)
  const start = previous.startedAt
  const goalOf = (priority: string) => policy.goalMinutes[priority] !== undefined ? goalMsOf(policy, priority) : previous.goalMs
  const base: ClockState = { ...previous, policyVersion: policy.version, calendarId: policy.calendarId, timeZone: calendar.timeZone }
  const keep = (state: ClockState): ClockState => ({ ...state, cycle: previous.cycle, completedCycles: previous.completedCycles, firedWarnings: previous.firedWarnings, breachFired: previous.breachFired })

  // The cycles that began at the start instant, and the one before them (how the instant found the clock).
  const beganHere = 1 + countTrailing(previous.completedCycles, c => c.startedAt === start)
  const before = previous.completedCycles[previous.completedCycles.length - beganHere]
  let state: ClockState | null = null
  let next = changes.findIndex(c => c.at >= start)
  if (next < 0) next = changes.length
  if (before !== undefined) {
    // Only how the cycle ended matters here: the cycle the instant begins takes the ticket's goal then.
    state = { ...base, cycle: before.cycle, startedAt: before.stoppedAt, stoppedAt: before.stoppedAt < start ? before.stoppedAt : null, cancelledAt: null, goalMs: before.goalMs, pauses: [], completedCycles: [], firedWarnings: [], breachFired: false }
  }
  let began = 0
  for (; next < changes.length && changes[next]!.at === start && began < beganHere; next++) {
    const { change, ticket } = changes[next]!
    const stepped: ClockState | null = state === null ? created(base, policy, calendar, change, ticket, start, goalOf) : stepClock(state, policy, change, start, calendar).state
    // One change can begin two cycles: a team's new clock that the same change then resets.
    if (stepped !== null) began += stepped.cycle - (state?.cycle ?? 0)
    state = stepped
  }
  if (state === null || began < beganHere) {
    // The policy no longer begins a cycle here: it begins after every change at its instant.
    while (next < changes.length && changes[next]!.at <= start) next++
    const ticket = changes[next - 1]?.ticket
    state = openClock({ ...base, goalMs: goalOf(ticket?.priority ?? '') }, calendar, start, ticket?.status ?? '', policy.pauseOn).state
  }
  state = keep(state)
  for (; next < changes.length; next++) state = stepClock(state, policy, changes[next]!.change, changes[next]!.at, calendar).state
  return state
}

/**
 * A clock created by the change, as the live clocks create one: with the ticket (created), for a
 * team taking the ticket (a policy that starts with the ticket; the clock then takes the change
 * like every clock), or on its own start event while no clock exists.
 */
function created (base: ClockState, policy: ReplayPolicy, calendar: CompiledCalendar, change: ClockChange, ticket: TicketSnapshot, at: number, goalOf: (priority: string) => number): ClockState | null {
  const open = () => openClock({ ...base, goalMs: goalOf(ticket.priority) }, calendar, at, ticket.status, policy.pauseOn).state
  const holds = policy.teamId === null || policy.teamId === change.holder
  const startsWithTicket = policy.triggers.startOn.some(c => c.on === 'created')
  if (change.event?.kind === 'created') return startsWithTicket && holds ? open() : null
  if (change.handover?.rejoins === true && holds && change.holder !== null && !ENDED.includes(ticket.statusCategory)) {
    return stepClock(open(), policy, change, at, calendar).state
  }
  if (change.event === null || !holds || (startsWithTicket && policy.teamId === null)) return null
  return actionFor(policy.triggers, change.event, false) === 'start' ? open() : null
}

function countTrailing<T> (list: readonly T[], test: (item: T) => boolean): number {
  let n = 0
  while (n < list.length && test(list[list.length - 1 - n]!)) n++
  return n
}

/**
 * The timeline as the clock sees it: each change that can move a clock (as ./clocks.ts decides
 * which do), with the ticket as it stood after it. The holder follows the `teamId` changes, the
 * ticket's priority its `priority` changes.
 */
function clockChanges (timeline: readonly TimelineEvent[], policy: Pick<ClockConfig, 'teamId' | 'triggers'>): TimedChange[] {
  const startsWithTicket = policy.triggers.startOn.some(c => c.on === 'created')
  const changes: TimedChange[] = []
  let ticket: TicketSnapshot = { status: '', statusCategory: '', priority: '', teamId: null }
  const push = (at: number, event: TicketEvent | null, extra: Pick<ClockChange, 'isPriorityChange' | 'handover'> = {}) =>
    changes.push({ at, ticket, change: { event, holder: ticket.teamId, ticketPriority: ticket.priority, ...extra } })
  for (const entry of timeline) {
    const after = entry.after ?? {}
    if (entry.type === 'ticket.created') {
      ticket = { status: String(after.status), statusCategory: String(after.statusCategory), priority: String(after.priority), teamId: (after.teamId as string | null | undefined) ?? null }
      push(entry.at, { kind: 'created' })
    } else if (entry.type === 'ticket.status_changed') {
      ticket = { ...ticket, status: String(after.status), statusCategory: String(after.statusCategory) }
      push(entry.at, { kind: 'status', status: ticket.status, category: ticket.statusCategory, fromCategory: String(entry.before?.statusCategory) })
    } else if (entry.type === 'comment.added' && after.visibility === 'public') {
      push(entry.at, { kind: 'reply', by: entry.byAgent ? 'agent' : 'requester' })
    } else if (entry.type === 'ticket.updated') {
      const reassigned = 'teamId' in after
      const priority = after.priority !== undefined ? String(after.priority) : undefined
      if (!reassigned && priority === undefined) continue
      ticket = { ...ticket, ...(reassigned ? { teamId: (after.teamId as string | null) ?? null } : {}), ...(priority !== undefined ? { priority } : {}) }
      const isPriorityChange = priority !== undefined
      if (!reassigned) { push(entry.at, null, { isPriorityChange }); continue }
      const rejoins = startsWithTicket && policy.teamId !== null && policy.teamId === ticket.teamId
      push(entry.at, { kind: 'team', teamId: ticket.teamId }, { isPriorityChange, handover: { status: ticket.status, statusCategory: ticket.statusCategory, rejoins } })
    }
  }
  return changes
}
