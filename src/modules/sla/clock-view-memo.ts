/**
 * viewClock for a stored clock read again and again (./clock-reads.ts keeps one per clock state).
 * Between two reads in the same calendar stretch (stretchAt: a working span, or the time
 * between two) little can change: a stopped or cancelled clock's figures are fixed, and an open,
 * unpaused one's business time grows one for one in a working stretch and stands still outside
 * one, with its due and breach instants fixed. So a read inside the stretch of the previous
 * one is arithmetic on what that one measured, and equals viewClock at the same instant. A clock
 * with an open pause, whose dueAt moves with every instant, is measured afresh on each read.
 * The same holds for the view's JSON: the parts around the moving figures are encoded once per
 * stretch, so a ticket read copies them into its response and writes four numbers between them
 * (as a set of one clock, ./clock-set-json.ts).
 * Pure: the instant and the compiled calendar are passed in.
 */
import { stretchAt } from './business-time.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import { isClockOpen, type ClockState } from './clock.js'
import { assertInstant, breachInstant, measureCycle } from './clock-math.js'
import { viewBasis, viewClock, type ClockView, type ViewBasis } from './clock-view.js'
import { isoString } from '../../shared/iso-time.js'
import { keptApart, type ByteWriter } from '../../shared/byte-writer.js'
import { clockSetJson, figureRow, figuresAt, type ClockSetJson, type JsonPieces, type StretchJson } from './clock-set-json.js'

export type IdentifiedClockView = ClockView & { id: string }

/** Reads of the clock `id` under its compiled calendar at an instant. */
export interface ClockViewer {
  /** viewClock(state, calendar, nowMs) with the id (first). */
  view: (calendar: CompiledCalendar, nowMs: number) => IdentifiedClockView
  /**
   * Appends that view's JSON to `out`, UTF-8 encoded: JSON.stringify of the view byte for byte,
   * fields in the order of the SlaClock schema.
   */
  writeJson: (calendar: CompiledCalendar, nowMs: number, out: ByteWriter) => void
  /**
   * What the JSON is made of through the calendar stretch holding `nowMs` (or the clock's latest
   * record, if later), for ./clock-set-json.ts; undefined for a clock with an open pause.
   */
  stretch: (calendar: CompiledCalendar, nowMs: number) => StretchJson | undefined
}

interface Measured {
  calendar: CompiledCalendar
  /**
   * Reads at instants in [stretch.from, stretch.to) are answered from this measure: the figures
   * and the encoded JSON (around the moving figures of a running clock, whole for a stopped one).
   */
  stretch: StretchJson
  /** The stretch's figures as numbers (figureRow). */
  row: Float64Array
  /** The view at `stretch.from`. */
  view: IdentifiedClockView
  /** The breach instant as the view writes it. */
  breachedAt: string | null
  /** What the JSON of reads in the stretch is written from, made at the first such read. */
  set?: ClockSetJson
}

export function clockViewer (id: string, state: ClockState): ClockViewer {
  const basis = viewBasis(state)
  const open = isClockOpen(state)
  // The linear reading below assumes no pause reaches past the latest instant the clock recorded.
  const isLinear = !open || state.pauses.every(p => p.to !== null && p.to <= basis.latest)
  if (!isLinear) {
    const view = (calendar: CompiledCalendar, nowMs: number): IdentifiedClockView => ({ id, ...viewClock(state, calendar, nowMs, basis) })
    return { view, writeJson: (calendar, nowMs, out) => out.utf8(JSON.stringify(view(calendar, nowMs))), stretch: () => undefined }
  }
  let last: Measured | undefined
  // viewClock reads an instant before the clock's latest record as that record.
  const measuredAt = (calendar: CompiledCalendar, now: number): Measured => {
    if (last === undefined || last.calendar !== calendar || now < last.stretch.from || now >= last.stretch.to) {
      last = measure(id, state, calendar, now, basis)
    }
    return last
  }
  return {
    view (calendar, nowMs) {
      assertInstant(nowMs, 'nowMs')
      const now = Math.max(nowMs, basis.latest)
      const { view, row, breachedAt } = measuredAt(calendar, now)
      if (!open) return { ...view }
      const { isBreached, elapsed, actual, percentage } = figuresAt(row, 0, now)
      return {
        ...view,
        state: isBreached ? 'breached' : 'running',
        breachedAt: isBreached ? breachedAt : null,
        businessElapsedMs: elapsed,
        businessRemainingMs: state.goalMs - elapsed,
        actualElapsedMs: actual,
        percentage
      }
    },
    writeJson (calendar, nowMs, out) {
      assertInstant(nowMs, 'nowMs')
      const now = Math.max(nowMs, basis.latest)
      const measured = measuredAt(calendar, now)
      ;(measured.set ??= clockSetJson([measured.stretch])).write(out, now)
    },
    stretch (calendar, nowMs) {
      assertInstant(nowMs, 'nowMs')
      return measuredAt(calendar, Math.max(nowMs, basis.latest)).stretch
    }
  }
}

/** Measures the clock at the start of the stretch holding `now`, or at its latest record if later. */
function measure (id: string, state: ClockState, calendar: CompiledCalendar, now: number, basis: ViewBasis): Measured {
  const calendarStretch = stretchAt(calendar, now)
  const anchor = Math.max(calendarStretch.from, basis.latest)
  const figures = measureCycle(state, calendar, anchor)
  const breach = breachInstant(figures.dueAt, figures.pauses)
  const breachedAt = breach === null ? null : isoString(breach)
  const view: IdentifiedClockView = { id, ...viewClock(state, calendar, anchor, basis) }
  const stretch: StretchJson = {
    from: anchor,
    to: calendarStretch.to,
    // Kept as long as the viewer keeps this measure: apart from Node's shared pool.
    json: isClockOpen(state) ? runningJson(view, breachedAt) : keptApart([Buffer.from(JSON.stringify(view))])[0]!,
    working: calendarStretch.working,
    elapsed: view.businessElapsedMs,
    startedAt: state.startedAt,
    goalMs: state.goalMs,
    dueAt: figures.dueAt,
    breach
  }
  return { calendar, stretch, row: figureRow(stretch), view, breachedAt }
}

/** The JSON of a running clock's view around its moving figures (see JsonPieces). */
function runningJson (view: IdentifiedClockView, breachedAt: string | null): JsonPieces {
  const s = JSON.stringify
  const head = `{"id":${s(view.id)},"policyId":${s(view.policyId)},"policyVersion":${view.policyVersion},"kind":${s(view.kind)},"metric":${s(view.metric)},"goalMs":${view.goalMs},"state":`
  const instants = (state: string, breached: string | null) => `${head}"${state}","startedAt":${s(view.startedAt)},"dueAt":${s(view.dueAt)},"originalDueAt":${s(view.originalDueAt)},` +
    `"stoppedAt":${s(view.stoppedAt)},"breachedAt":${s(breached)},"businessElapsedMs":`
  const [running, breached, rest] = keptApart([
    instants('running', null),
    instants('breached', breachedAt),
    `,"paused":false,"pauseReason":null,"withinCalendarHours":${view.withinCalendarHours},"pauses":${s(view.pauses)},` +
      `"completedCycles":${s(view.completedCycles)},"calendarId":${s(view.calendarId)},"timeZone":${s(view.timeZone)}}`
  ].map(text => Buffer.from(text)))
  return { running: running!, breached: breached!, rest: rest! }
}
