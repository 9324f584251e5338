/**
 * viewClock for a stored clock read again and again (./clock-reads.ts keeps one per clock state).
 * Between two reads in the same calendar stretch (stretchAt: a working span, or the time
 * between two) little can change: a stopped or cancelled clock's figures are fixed, and an open,
 * unpaused one's business time grows one for one in a working stretch and stands still outside
 * one, with its due and breach instants fixed. So a read inside the stretch of the previous
 * one is arithmetic on what that one measured, and equals viewClock at the same instant. A clock
 * with an open pause, whose dueAt moves with every instant, is measured afresh on each read.
 * Pure: the instant and the compiled calendar are passed in.
 */
import { stretchAt } from './business-time.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import { isClockOpen, type ClockState } from './clock.js'
import { assertInstant, breachInstant, measureCycle, percentageOf } from './clock-math.js'
import { viewBasis, viewClock, type ClockView, type ViewBasis } from './clock-view.js'
import { isoString } from '../../shared/iso-time.js'

export type IdentifiedClockView = ClockView & { id: string }

/** The view of the clock `id` at `nowMs` under its compiled calendar: viewClock(state, calendar, nowMs) with the id. */
export type ClockViewer = (calendar: CompiledCalendar, nowMs: number) => IdentifiedClockView

interface Measured {
  calendar: CompiledCalendar
  /** Reads at instants in [anchor, to) are answered from this measure. */
  anchor: number
  to: number
  working: boolean
  /** The view at `anchor`. */
  view: ClockView
  dueAt: number | null
  /** The instant after which the cycle is breached, and as the view writes it. */
  breach: number | null
  breachedAt: string | null
}

export function clockViewer (id: string, state: ClockState, basis: ViewBasis = viewBasis(state)): ClockViewer {
  const open = isClockOpen(state)
  // The linear reading below assumes no pause reaches past the latest instant the clock recorded.
  const isLinear = !open || state.pauses.every(p => p.to !== null && p.to <= basis.latest)
  if (!isLinear) return (calendar, nowMs) => ({ id, ...viewClock(state, calendar, nowMs, basis) })
  let last: Measured | undefined
  return (calendar, nowMs) => {
    assertInstant(nowMs, 'nowMs')
    // viewClock reads an instant before the clock's latest record as that record.
    const now = Math.max(nowMs, basis.latest)
    if (last === undefined || last.calendar !== calendar || now < last.anchor || now >= last.to) {
      last = measure(state, calendar, now, basis)
    }
    const { view, anchor, working, dueAt, breach, breachedAt } = last
    if (!open) return { id, ...view }
    const elapsed = view.businessElapsedMs + (working ? now - anchor : 0)
    const isBreached = breach !== null && breach < now
    return {
      id,
      policyId: view.policyId,
      policyVersion: view.policyVersion,
      kind: view.kind,
      metric: view.metric,
      goalMs: view.goalMs,
      state: isBreached ? 'breached' : 'running',
      startedAt: view.startedAt,
      dueAt: view.dueAt,
      originalDueAt: view.originalDueAt,
      stoppedAt: view.stoppedAt,
      breachedAt: isBreached ? breachedAt : null,
      businessElapsedMs: elapsed,
      businessRemainingMs: state.goalMs - elapsed,
      actualElapsedMs: now - state.startedAt,
      percentage: percentageOf(elapsed, state.goalMs, dueAt !== null && dueAt <= now),
      paused: false,
      pauseReason: null,
      withinCalendarHours: working,
      pauses: view.pauses,
      completedCycles: view.completedCycles,
      calendarId: view.calendarId,
      timeZone: view.timeZone
    }
  }
}

/** Measures the clock at the start of the stretch holding `now`, or at its latest record if later. */
function measure (state: ClockState, calendar: CompiledCalendar, now: number, basis: ViewBasis): Measured {
  const stretch = stretchAt(calendar, now)
  const anchor = Math.max(stretch.from, basis.latest)
  const figures = measureCycle(state, calendar, anchor)
  const breach = breachInstant(figures.dueAt, figures.pauses)
  return {
    calendar,
    anchor,
    to: stretch.to,
    working: stretch.working,
    view: viewClock(state, calendar, anchor, basis),
    dueAt: figures.dueAt,
    breach,
    breachedAt: breach === null ? null : isoString(breach)
  }
}
