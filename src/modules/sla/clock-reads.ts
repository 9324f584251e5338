/**
 * Clocks as a ticket read carries them (one json array, see clocksOfTicketJson), parsed once per
 * distinct text: reading a ticket again before its clocks change reuses the parsed states and
 * their view bases instead of parsing and formatting them again. Keyed by the text itself (which
 * includes each calendar's version), so an entry can never be stale; the oldest go first.
 */
import type { ClockState } from './clock.js'
import { viewBasis, type ViewBasis } from './clock-view.js'
import type { StoredClock } from './repository.js'

export interface ReadClock extends StoredClock { state: ClockState, basis: ViewBasis }

export function createClockTextCache (max = 5000) {
  const parsed = new Map<string, ReadClock[]>()
  return function readClocks (text: string): ReadClock[] {
    let clocks = parsed.get(text)
    if (clocks === undefined) {
      clocks = (JSON.parse(text) as Array<StoredClock & { state: ClockState }>).map(c => ({ ...c, basis: viewBasis(c.state) }))
      if (parsed.size >= max) parsed.delete(parsed.keys().next().value!)
      parsed.set(text, clocks)
    }
    return clocks
  }
}
