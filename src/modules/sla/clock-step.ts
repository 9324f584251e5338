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
 * holds the ticket.
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
  priority: string
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
  /** The priority the change set, when it set one. */
  priority?: string | undefined
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
  let next = change.handover === undefined ? state : handOver(state, config, change.holder, change.handover, atMs, calendar, effects)
  // A team's clock stands still while another team holds the ticket (the handover ended its cycle).
  if (config.teamId === null || config.teamId === change.holder) next = takeChange(next, config, change, atMs, calendar, effects)
  return { state: next, effects }
}

/** A new clock's first cycle, starting at `atMs`: paused at once when the ticket's status pauses it. */
export function openClock (params: StartClockParams, calendar: CompiledCalendar, atMs: number, status: string, pauseOn: readonly string[]): ClockState {
  return pauseFor(startClock(params, calendar, atMs), status, pauseOn, atMs)
}

/** The goal in ms for a priority. */
export function goalMsOf (config: Pick<ClockConfig, 'goalMinutes'>, priority: string): number {
  return config.goalMinutes[priority]! * MS_PER_MINUTE
}

function handOver (state: ClockState, config: ClockConfig, holder: string | null, handover: Handover, at: number, calendar: CompiledCalendar, effects: ClockEffect[]): ClockState {
  let next = state
  if (config.teamId !== null && config.teamId !== holder && isClockOpen(next)) {
    // The team let go: its cycle ends here, met within the goal, else breached (the sweep fires the breach).
    next = stopClock(next, at)
    const view = viewClock(next, calendar, at)
    if (view.state === 'met') effects.push({ type: 'sla.met', cycle: next.cycle, at, businessElapsedMs: view.businessElapsedMs, teamId: config.teamId })
  }
  if (handover.rejoins && holder !== null && !isClockOpen(next) && !ENDED.includes(handover.statusCategory)) {
    // The team came back: a new cycle with the goal of the ticket's priority now, paused if its status pauses.
    next = retargetClock(restartClock(fireOwed(next, config, at, calendar, effects), calendar, at), goalMsOf(config, handover.priority))
    next = pauseFor(next, handover.status, config.pauseOn, at)
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
  // starts with the ending cycle's goal (restartClock).
  else if (action === 'reset' || action === 'start') next = restartClock(fireOwed(next, config, at, calendar, effects), calendar, at)
  if (change.event?.kind === 'status' && isClockOpen(next)) {
    const paused = openPause(next) !== undefined
    if (config.pauseOn.includes(change.event.status) && !paused) next = pauseClock(next, at, `status:${change.event.status}`)
    if (!config.pauseOn.includes(change.event.status) && paused) next = resumeClock(next, at)
  } else if (change.priority !== undefined) {
    next = retargetClock(next, goalMsOf(config, change.priority))
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

function pauseFor (state: ClockState, status: string, pauseOn: readonly string[], at: number): ClockState {
  return pauseOn.includes(status) ? pauseClock(state, at, `status:${status}`) : state
}
