/**
 * The JSON sets (./clock-set-json.ts) of kept clocks (./clock-reads.ts), one per visibility,
 * each kept while it stands: its span holds the read's instant, and each calendar it was built
 * under is still the one compiled for the read's calendar revision. No I/O: a calendar that is
 * not compiled at that revision means no set, and the caller writes the clocks one by one.
 */
import type { ResolvedCalendar } from './calendar-cache.js'
import { isSeenBy, type KeptClock } from './clock-reads.js'
import { clockSetJson, type ClockSetJson, type StretchJson } from './clock-set-json.js'
import type { CompiledCalendar } from './compiled-calendar.js'

/** The compiled calendar current for reads at a calendar revision, when it is compiled. */
export type CompiledAt = (calendarId: string | null, calendarRevision: number) => ResolvedCalendar | undefined

/**
 * A set with the calendar each of its clocks' calendar ids resolved to, and the calendar revision
 * at which those were last found current. A calendar found current for reads at a revision is a
 * right answer for every read at that revision (one compiled later may be newer, which is right
 * too), so reads at `checkedAt` need not look again.
 */
interface KeptSet { set: ClockSetJson, calendars: ReadonlyArray<readonly [string | null, CompiledCalendar]>, checkedAt: number }

export function createClockJsonSets (compiledAt: CompiledAt) {
  // Per kept clocks, the set for callers without [0] and with [1] OLA and UC clocks.
  const sets = new WeakMap<readonly KeptClock[], Array<KeptSet | undefined>>()

  const calendarsStand = (kept: KeptSet, calendarRevision: number): boolean => {
    if (kept.checkedAt === calendarRevision) return true
    for (const [id, calendar] of kept.calendars) if (compiledAt(id, calendarRevision)?.calendar !== calendar) return false
    kept.checkedAt = calendarRevision
    return true
  }

  /**
   * The set of the clocks the caller sees (`internal`: OLA and UC clocks too), valid at `now`
   * under the calendars current at `calendarRevision`: the kept one when it still stands, else
   * one built from the clocks' stretches when every calendar is compiled and no clock has an
   * open pause; else undefined.
   */
  return function setFor (clocks: readonly KeptClock[], internal: boolean, calendarRevision: number, now: number): ClockSetJson | undefined {
    let byVisibility = sets.get(clocks)
    const index = internal ? 1 : 0
    const kept = byVisibility?.[index]
    if (kept !== undefined && now >= kept.set.from && now < kept.set.to && calendarsStand(kept, calendarRevision)) return kept.set
    const parts: StretchJson[] = []
    const used: Array<readonly [string | null, CompiledCalendar]> = []
    for (const clock of clocks) {
      if (!isSeenBy(clock, internal)) continue
      const { state, viewer } = clock
      const resolved = compiledAt(state.calendarId, calendarRevision)
      const part = resolved === undefined ? undefined : viewer.stretch(resolved.calendar, now)
      if (part === undefined) return undefined
      parts.push(part)
      if (!used.some(([id]) => id === state.calendarId)) used.push([state.calendarId, resolved!.calendar])
    }
    const set = clockSetJson(parts)
    // A clock whose latest record is later than `now` reads `now` as that record: no set.
    if (!(now >= set.from && now < set.to)) return undefined
    if (byVisibility === undefined) sets.set(clocks, byVisibility = [])
    byVisibility[index] = { set, calendars: used, checkedAt: calendarRevision }
    return set
  }
}
