/**
 * What one ticket change does to one clock, as one pure step: the live clocks (./clocks.ts) take
 * it inside the ticket's transaction and record its effects; recalculation (./replay.ts) folds it
 * over the ticket's timeline. Both going through this one function is what makes a recalculation
 * under an unchanged policy and calendar reproduce exactly what the live clock says.
 *
 * A step has two parts, in this order. A handover (the ticket went to another team, or to none)
 * ends the open cycle of a team-bound clock whose team lost the ticket, and starts a new cycle of
 * a stopped clock whose team took it (when its policy starts with the ticket). Then the policy's
 * start/stop/cancel/reset triggers act on the event, a status change pauses or resumes the cycle,
 * and a new priority moves the goal. A team-bound clock skips the second part while another team
 * holds the ticket. Every cycle the step starts runs under the goal of the ticket's priority at
 * that instant, never the ended cycle's: a priority changed while the clock stood stopped counts.
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import {
  cancelClock, dueEvents, isClockOpen, markFired, openPause, pauseClock, restartClock, resumeClock,
  retargetClock, startClock, stopClock, viewClock, type ClockEvent, type ClockState, type StartClockParams
} from './clock.js'
import { actionFor, type TicketEvent, type Triggers } from './triggers.js'

const MS_PER_MINUTE = 60_000
const ENDED: readonly string[] = ['resolved', 'closed']

/** What a clock takes from its policy, as the clock's row keeps it. */
export interface ClockConfig {
  triggers: Triggers
  pauseOn: readonly string[]
  /** Goal per priority, in business minutes. */
  goalMinutes: Readonly<Record<string, number>>
  warnAt: readonly number[]
  /** OLA, UC: the team whose holding the ticket runs the clock; null runs with the ticket. */
  teamId: string | null
}

/** The ticket as the team taking it finds it. */
export interface Handover {
  status: string
  statusCategory: string
  /**
   * The clock's policy starts a cycle now: it binds the new holder, applies to the ticket and
   * starts with the ticket. Applicability is the caller's to decide (it weighs other policies).
   */
  rejoins: boolean
}

/** One ticket change as a clock sees it. */
export interface ClockChange {
  /** What happened, as the triggers see it; null when nothing can start, stop, cancel or reset (a priority change). */
  event: TicketEvent | null
  /** The team holding the ticket after the change. */
  holder: string | null
  /**
   * The ticket's priority after the change: a cycle the change starts runs under its goal. Null
   * only when the caller has not read it because the change starts no cycle (see startsCycle).
   */
  ticketPriority: string | null
  /** The change set the priority: an open cycle moves to its goal. */
  isPriorityChange?: boolean | undefined
  /** Present when the change handed the ticket to another team (or to none). */
  handover?: Handover | undefined
}

/**
 * What the live path records on the ticket's timeline for a step, in order: the warnings and
 * breach an ending cycle still owed (fired before a restart forgets them), then the pause, resume
 * or met of the clock. `cycle` is the cycle the event belongs to.
 */
export type ClockEffect =
  | ClockEvent
  | { type: 'sla.paused', cycle: number, at: number, reason: string }
  | { type: 'sla.resumed', cycle: number, at: number }
  | { type: 'sla.met', cycle: number, at: number, businessElapsedMs: number, teamId?: string }

export interface ClockStep {
  /** The clock after the change; the input itself when the change did nothing to it. */
  state: ClockState
  effects: ClockEffect[]
}

/** One ticket change applied to one clock at `atMs` (epoch ms), with what to record about it. */
export function stepClock (state: ClockState, config: ClockConfig, change: ClockChange, atMs: number, calendar: CompiledCalendar): ClockStep {
  const effects: ClockEffect[] = []
  let next = change.handover === undefined ? state : handOver(state, config, change, change.handover, atMs, calendar, effects)
  // A team's clock stands still while another team holds the ticket (the handover ended its cycle).
  if (config.teamId === null || config.teamId === change.holder) next = takeChange(next, config, change, atMs, calendar, effects)
  return { state: next, effects }
}

/** A new clock's first cycle, starting at `atMs`: paused at once (and saying so) when the ticket's status pauses it. */
export function openClock (params: StartClockParams, calendar: CompiledCalendar, atMs: number, status: string, pauseOn: readonly string[]): ClockStep {
  const effects: ClockEffect[] = []
  return { state: startPaused(startClock(params, calendar, atMs), status, pauseOn, atMs, effects), effects }
}

/** The goal in ms for a priority. */
export function goalMsOf (config: Pick<ClockConfig, 'goalMinutes'>, priority: string): number {
  return config.goalMinutes[priority]! * MS_PER_MINUTE
}

/**
 * True when the event starts a new cycle of the clock by its triggers (a start, or a reset),
 * which then needs the ticket's priority; a handover's restart is decided apart (Handover.rejoins).
 */
export function startsCycle (state: ClockState, config: Pick<ClockConfig, 'triggers'>, event: TicketEvent | null): boolean {
  const action = event === null ? null : actionFor(config.triggers, event, isClockOpen(state))
  return action === 'reset' || action === 'start'
}

/** The goal of the ticket's priority as the change gives it. */
function goalNow (config: ClockConfig, change: ClockChange): number {
  if (change.ticketPriority === null) throw new Error('The clock needs the ticket\'s priority for this change, and the change does not carry it')
  return goalMsOf(config, change.ticketPriority)
}

function handOver (state: ClockState, config: ClockConfig, change: ClockChange, handover: Handover, at: number, calendar: CompiledCalendar, effects: ClockEffect[]): ClockState {
  const holder = change.holder
  let next = state
  if (config.teamId !== null && config.teamId !== holder && isClockOpen(next)) {
    // The team let go: its cycle ends here, met within the goal, else breached (the sweep fires the breach).
    next = stopClock(next, at)
    const view = viewClock(next, calendar, at)
    if (view.state === 'met') effects.push({ type: 'sla.met', cycle: next.cycle, at, businessElapsedMs: view.businessElapsedMs, teamId: config.teamId })
  }
  if (handover.rejoins && holder !== null && !isClockOpen(next) && !ENDED.includes(handover.statusCategory)) {
    // The team came back: a new cycle with the goal of the ticket's priority now, paused (and saying so) if its status pauses.
    next = startPaused(restartClock(fireOwed(next, config, at, calendar, effects), calendar, at, goalNow(config, change)), handover.status, config.pauseOn, at, effects)
  }
  return next
}

function takeChange (state: ClockState, config: ClockConfig, change: ClockChange, at: number, calendar: CompiledCalendar, effects: ClockEffect[]): ClockState {
  const before = state
  let next = state
  const action = change.event === null ? null : actionFor(config.triggers, change.event, isClockOpen(next))
  if (action === 'cancel') next = cancelClock(next, at)
  else if (action === 'stop') next = stopClock(next, at)
  // Owed events of the ending cycle fire first, then it is kept in completedCycles and a new one
  // starts with the goal of the ticket's priority now.
  else if (action === 'reset' || action === 'start') next = restartClock(fireOwed(next, config, at, calendar, effects), calendar, at, goalNow(config, change))
  if (change.event?.kind === 'status' && isClockOpen(next)) {
    const paused = openPause(next) !== undefined
    if (config.pauseOn.includes(change.event.status) && !paused) next = pauseClock(next, at, `status:${change.event.status}`)
    if (!config.pauseOn.includes(change.event.status) && paused) next = resumeClock(next, at)
  } else if (change.isPriorityChange === true) {
    next = retargetClock(next, goalNow(config, change))
  }
  if (next === before) return next
  const wasPaused = openPause(before) !== undefined
  const pause = openPause(next)
  if (!wasPaused && pause !== undefined) effects.push({ type: 'sla.paused', cycle: next.cycle, at, reason: pause.reason })
  // Also after a restart of a paused cycle: the new cycle runs.
  if (wasPaused && pause === undefined) effects.push({ type: 'sla.resumed', cycle: next.cycle, at })
  if (isClockOpen(before) && next.stoppedAt !== null && next.cancelledAt === null) {
    const view = viewClock(next, calendar, at)
    if (view.state === 'met') effects.push({ type: 'sla.met', cycle: next.cycle, at, businessElapsedMs: view.businessElapsedMs })
  }
  return next
}

/** The warnings and breach the cycle owes by `at`, as effects, and the state that records them fired. */
function fireOwed (state: ClockState, config: ClockConfig, at: number, calendar: CompiledCalendar, effects: ClockEffect[]): ClockState {
  const owed = dueEvents(state, calendar, at, config.warnAt)
  effects.push(...owed)
  return markFired(state, owed)
}

/**
 * A cycle just started at `at`, paused when the ticket's status pauses it, with the sla.paused
 * that says so: a timeline never shows a resume without a pause before it.
 */
function startPaused (state: ClockState, status: string, pauseOn: readonly string[], at: number, effects: ClockEffect[]): ClockState {
  if (!pauseOn.includes(status)) return state
  const reason = `status:${status}`
  effects.push({ type: 'sla.paused', cycle: state.cycle, at, reason })
  return pauseClock(state, at, reason)
}
