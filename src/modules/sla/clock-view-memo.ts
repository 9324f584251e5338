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
import { assertInstant, breachInstant, measureCycle, percentageOf } from './clock-math.js'
import { viewBasis, viewClock, type ClockView, type ViewBasis } from './clock-view.js'
import { isoString } from '../../shared/iso-time.js'
import type { ByteWriter } from '../../shared/byte-writer.js'
import { clockSetJson, type ClockSetJson, type JsonPieces, type StretchJson } from './clock-set-json.js'

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

/** The figures of a running clock that change from read to read. */
interface Moving { isBreached: boolean, elapsed: number, actual: number, percentage: number }

interface Measured {
  calendar: CompiledCalendar
  /** Reads at instants in [anchor, to) are answered from this measure. */
  anchor: number
  to: number
  working: boolean
  /** The view at `anchor`. */
  view: IdentifiedClockView
  dueAt: number | null
  /** The instant after which the cycle is breached, and as the view writes it. */
  breach: number | null
  breachedAt: string | null
  /** The view's JSON, encoded: around the moving figures of a running clock, or whole for a stopped one. */
  json: JsonPieces | Buffer
  /** What the JSON of reads in [anchor, to) is written from, made at the first such read. */
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
    if (last === undefined || last.calendar !== calendar || now < last.anchor || now >= last.to) {
      last = measure(id, state, calendar, now, basis)
    }
    return last
  }
  const stretchOf = ({ anchor, to, json, working, view, dueAt, breach }: Measured): StretchJson =>
    ({ from: anchor, to, json, working, elapsed: view.businessElapsedMs, startedAt: state.startedAt, goalMs: state.goalMs, dueAt, breach })
  const moving = ({ anchor, working, view, dueAt, breach }: Measured, now: number): Moving => {
    const elapsed = view.businessElapsedMs + (working ? now - anchor : 0)
    return {
      isBreached: breach !== null && breach < now,
      elapsed,
      actual: now - state.startedAt,
      percentage: percentageOf(elapsed, state.goalMs, dueAt !== null && dueAt <= now)
    }
  }
  return {
    view (calendar, nowMs) {
      assertInstant(nowMs, 'nowMs')
      const now = Math.max(nowMs, basis.latest)
      const measured = measuredAt(calendar, now)
      const { view } = measured
      if (!open) return { ...view }
      const { isBreached, elapsed, actual, percentage } = moving(measured, now)
      return {
        ...view,
        state: isBreached ? 'breached' : 'running',
        breachedAt: isBreached ? measured.breachedAt : null,
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
      ;(measured.set ??= clockSetJson([stretchOf(measured)])).write(out, now)
    },
    stretch (calendar, nowMs) {
      assertInstant(nowMs, 'nowMs')
      return stretchOf(measuredAt(calendar, Math.max(nowMs, basis.latest)))
    }
  }
}

/** Measures the clock at the start of the stretch holding `now`, or at its latest record if later. */
function measure (id: string, state: ClockState, calendar: CompiledCalendar, now: number, basis: ViewBasis): Measured {
  const stretch = stretchAt(calendar, now)
  const anchor = Math.max(stretch.from, basis.latest)
  const figures = measureCycle(state, calendar, anchor)
  const breach = breachInstant(figures.dueAt, figures.pauses)
  const breachedAt = breach === null ? null : isoString(breach)
  const view: IdentifiedClockView = { id, ...viewClock(state, calendar, anchor, basis) }
  return {
    calendar,
    anchor,
    to: stretch.to,
    working: stretch.working,
    view,
    dueAt: figures.dueAt,
    breach,
    breachedAt,
    json: isClockOpen(state) ? runningJson(view, breachedAt) : Buffer.from(JSON.stringify(view))
  }
}

/** The JSON of a running clock's view around its moving figures (see JsonPieces). */
function runningJson (view: IdentifiedClockView, breachedAt: string | null): JsonPieces {
  const s = JSON.stringify
  const head = `{"id":${s(view.id)},"policyId":${s(view.policyId)},"policyVersion":${view.policyVersion},"kind":${s(view.kind)},"metric":${s(view.metric)},"goalMs":${view.goalMs},"state":`
  const instants = (state: string, breached: string | null) => `${head}"${state}","startedAt":${s(view.startedAt)},"dueAt":${s(view.dueAt)},"originalDueAt":${s(view.originalDueAt)},` +
    `"stoppedAt":${s(view.stoppedAt)},"breachedAt":${s(breached)},"businessElapsedMs":`
  return {
    running: Buffer.from(instants('running', null)),
    breached: Buffer.from(instants('breached', breachedAt)),
    rest: Buffer.from(`,"paused":false,"pauseReason":null,"withinCalendarHours":${view.withinCalendarHours},"pauses":${s(view.pauses)},` +
      `"completedCycles":${s(view.completedCycles)},"calendarId":${s(view.calendarId)},"timeZone":${s(view.timeZone)}}`)
  }
}
