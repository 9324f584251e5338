/**
 * Clocks kept by version (`<clock id>.<revision>`), with the parts of their views that do not
 * depend on the instant they are read at. A ticket read names its clocks' versions (see
 * clockVersionsOf); when this process keeps every one of them it reads no state at all. A clock's
 * revision rises with every update of its row, so a kept version can never be stale; the oldest
 * go first beyond the bound.
 */
import type { ClockState } from './clock.js'
import { viewBasis, type ViewBasis } from './clock-view.js'
import type { StoredClock } from './repository.js'

export interface KeptClock { id: string, kind: string, state: ClockState, basis: ViewBasis }

/** A ticket's clocks as a read named them: the calendar revision of its snapshot, and each clock's version. */
export interface NamedClocks { calendarRevision: number, versions: string[] }

/** Parses `<calendar revision>;<id>.<revision>,…` as clockVersionsOf selects it. */
export function parseClockVersions (text: string): NamedClocks {
  const split = text.indexOf(';')
  return { calendarRevision: Number(text.slice(0, split)), versions: text.slice(split + 1).split(',') }
}

export function createClockCache (max = 5000) {
  const kept = new Map<string, KeptClock>()
  return {
    /** The clocks of those versions, in their order, when every one of them is kept; else undefined. */
    named (versions: readonly string[]): KeptClock[] | undefined {
      const clocks: KeptClock[] = []
      for (const version of versions) {
        const clock = kept.get(version)
        if (clock === undefined) return undefined
        clocks.push(clock)
      }
      return clocks
    },
    /** Keeps a clock read in full (the same object again when its version is kept already). */
    keep (row: Pick<StoredClock, 'id' | 'kind' | 'state' | 'revision'>): KeptClock {
      const version = `${row.id}.${row.revision}`
      let clock = kept.get(version)
      if (clock === undefined) {
        const state = row.state as ClockState
        clock = { id: row.id, kind: row.kind, state, basis: viewBasis(state) }
        if (kept.size >= max) kept.delete(kept.keys().next().value!)
        kept.set(version, clock)
      }
      return clock
    }
  }
}
