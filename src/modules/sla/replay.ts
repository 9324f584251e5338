/**
 * Recomputes the current cycle of an open clock from the ticket's timeline under a policy's
 * current version and calendar: what the clock would say had they been in force all along.
 * Pure: the timeline, the policy and the compiled calendar come in as data.
 *
 * The cycle keeps its start instant and number, and the clock keeps its completed cycles (frozen
 * when they ended) and the warnings and breach it has already fired this cycle (each fires once
 * per cycle). The goal follows the ticket's priority at each instant, pauses follow its statuses
 * under the policy's current `pauseOn`, and stops, cancels and restarts follow the same rules as
 * the live clocks (./clocks.ts).
 */
import type { CompiledCalendar } from './compiled-calendar.js'
import {
  cancelClock, dueEvents, isClockOpen, markFired, openPause, pauseClock, restartClock, resumeClock, retargetClock,
  stopClock, type ClockState
} from './clock.js'
import { cycleInstant } from './clock-math.js'

const MS_PER_MINUTE = 60_000
const CANCELLING = new Set(['cancelled', 'rejected'])
const ENDED = new Set(['resolved', 'closed'])

/** One entry of the ticket's timeline, as ticket_events stores it. */
export interface TimelineEvent {
  type: string
  at: number
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  /** The actor works the ticket's desk (an agent's public reply stops response clocks). */
  byAgent: boolean
}

/** What the clock takes from its policy's current version. */
export interface ReplayPolicy {
  version: number
  goalMinutes: Record<string, number>
  pauseOn: readonly string[]
  warnAt: readonly number[]
  calendarId: string | null
}

/** The clock's current cycle replayed over `timeline` (oldest first) under `policy` and `calendar`. */
export function replayCycle (previous: ClockState, policy: ReplayPolicy, calendar: CompiledCalendar, timeline: readonly TimelineEvent[]): ClockState {
  const start = previous.startedAt
  let status: string | undefined
  let priority: string | undefined
  for (const event of timeline) {
    if (event.at > start) break
    if (typeof event.after?.status === 'string') status = event.after.status
    if (typeof event.after?.priority === 'string') priority = event.after.priority
  }
  const goalOf = (p: string | undefined) => (policy.goalMinutes[p ?? ''] ?? previous.goalMs / MS_PER_MINUTE) * MS_PER_MINUTE
  const goalMs = goalOf(priority)
  let state: ClockState = {
    ...previous,
    policyVersion: policy.version,
    goalMs,
    calendarId: policy.calendarId,
    timeZone: calendar.timeZone,
    stoppedAt: null,
    cancelledAt: null,
    originalDueAt: cycleInstant(calendar, start, goalMs, []),
    pauses: []
  }
  if (status !== undefined && policy.pauseOn.includes(status)) state = pauseClock(state, start, `status:${status}`)
  for (const event of timeline) {
    if (event.at <= start) continue
    state = step(state, policy, calendar, event, goalOf)
  }
  return state
}

function step (state: ClockState, policy: ReplayPolicy, calendar: CompiledCalendar, event: TimelineEvent, goalOf: (p: string | undefined) => number): ClockState {
  const at = event.at
  if (event.type === 'ticket.status_changed') {
    const status = String(event.after?.status)
    const category = String(event.after?.statusCategory)
    let next = state
    if (CANCELLING.has(status)) next = cancelClock(next, at)
    else if (ENDED.has(category)) next = stopClock(next, at)
    else if (ENDED.has(String(event.before?.statusCategory)) && next.metric === 'resolution') {
      next = restartClock(markFired(next, dueEvents(next, calendar, at, policy.warnAt)), calendar, at)
    }
    if (isClockOpen(next)) {
      const paused = openPause(next) !== undefined
      if (policy.pauseOn.includes(status) && !paused) next = pauseClock(next, at, `status:${status}`)
      if (!policy.pauseOn.includes(status) && paused) next = resumeClock(next, at)
    }
    return next
  }
  if (event.type === 'ticket.updated' && typeof event.after?.priority === 'string') return retargetClock(state, goalOf(event.after.priority))
  if (event.type === 'comment.added' && event.after?.visibility === 'public') {
    const responds = state.metric === 'first_response' || state.metric === 'next_response'
    if (event.byAgent && responds) return stopClock(state, at)
    if (!event.byAgent && state.metric === 'next_response' && !isClockOpen(state)) return restartClock(state, calendar, at)
  }
  return state
}
