/**
 * Clocks as a ticket read carries them (the text clocksOfTicketText selects), parsed once per
 * distinct text: reading a ticket again before its clocks change reuses the parsed states and
 * their view bases instead of parsing and formatting them again. Keyed by the text itself (which
 * holds the clock ids, so it names one ticket, and the calendar revision), so an entry can never
 * be stale; the oldest go first.
 */
import type { ClockState } from './clock.js'
import { viewBasis, type ViewBasis } from './clock-view.js'
import type { StoredClock } from './repository.js'

export interface ReadClock extends StoredClock { state: ClockState, basis: ViewBasis }

interface ClocksText { calendarRevision: number, clocks: Array<{ id: string, state: ClockState }> }

export function createClockTextCache (max = 5000) {
  const parsed = new Map<string, ReadClock[]>()
  /** The clocks in `text`, which were read with the ticket whose id is `ticketId`. */
  return function readClocks (text: string, ticketId: string): ReadClock[] {
    let clocks = parsed.get(text)
    if (clocks === undefined) {
      const { calendarRevision, clocks: stored } = JSON.parse(text) as ClocksText
      clocks = stored.map(({ id, state }) => ({ id, ticketId, kind: state.kind, state, calendarRevision, basis: viewBasis(state) }))
      if (parsed.size >= max) parsed.delete(parsed.keys().next().value!)
      parsed.set(text, clocks)
    }
    return clocks
  }
}
