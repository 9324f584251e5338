/**
 * Tickets' clocks kept by the revision they were read at (see clockRevisionOf), each with a
 * viewer that keeps what its reads measured. A ticket read names the
 * revision of its clocks; when this process keeps that revision it reads no state at all, and
 * each clock's view is arithmetic on its previous read (./clock-view-memo.ts).
 * Triggers draw a revision that was never drawn before in every statement that writes a
 * ticket's clocks, so a kept revision can never be stale; the oldest go first beyond the bound.
 */
import type { ClockState } from './clock.js'
import { clockViewer, type ClockViewer } from './clock-view-memo.js'
import type { StoredClock } from './repository.js'

/** A kept clock: its state, and its viewer, which remembers what it measured between reads. */
export interface KeptClock { id: string, kind: string, state: ClockState, viewer: ClockViewer }

/** Whether a caller sees the clock: SLA clocks everyone who sees the ticket; OLA and UC clocks only `internal` callers (the desk's agents). */
export const isSeenBy = (clock: Pick<KeptClock, 'kind'>, internal: boolean): boolean => internal || clock.kind === 'sla'

/** A ticket's clocks as a read named them: the calendar revision of its snapshot and the revision of the ticket's clocks. */
export interface NamedClocks { calendarRevision: number, ticketRevision: number }

/** Parses `<calendar revision>;<ticket clock revision>` as clockRevisionOf selects it. */
export function parseClockRevision (text: string): NamedClocks {
  const split = text.indexOf(';')
  return { calendarRevision: Number(text.slice(0, split)), ticketRevision: Number(text.slice(split + 1)) }
}

const keptClock = (row: Pick<StoredClock, 'id' | 'kind' | 'state'>): KeptClock => {
  const state = row.state as ClockState
  return { id: row.id, kind: row.kind, state, viewer: clockViewer(row.id, state) }
}

/** A ticket's clocks, with the calendar revision of the snapshot they were read in. */
export interface TicketClocks { ticketId: string, calendarRevision: number, clocks: KeptClock[] }

export function createClockCache (max = 2000) {
  const kept = new Map<number, KeptClock[]>()
  const remember = (revision: number, clocks: KeptClock[]) => {
    if (kept.size >= max) kept.delete(kept.keys().next().value!)
    kept.set(revision, clocks)
  }
  return {
    /** The clocks of a ticket at that revision when they are kept; else undefined. */
    named: (ticketRevision: number): KeptClock[] | undefined => kept.get(ticketRevision),
    /**
     * Keeps the clocks of some tickets read in full (findStoredClocks: every row of a ticket
     * carries the same revision), answering them per ticket in their order; a revision kept
     * already answers with the clocks kept for it. Clocks without a revision are not kept.
     */
    keep (rows: readonly StoredClock[]): TicketClocks[] {
      const byTicket = new Map<string, StoredClock[]>()
      for (const row of rows) {
        const list = byTicket.get(row.ticketId)
        if (list === undefined) byTicket.set(row.ticketId, [row])
        else list.push(row)
      }
      return [...byTicket].map(([ticketId, list]) => {
        const { ticketRevision, calendarRevision } = list[0]!
        let clocks = ticketRevision === null ? undefined : kept.get(ticketRevision)
        if (clocks === undefined) {
          clocks = list.map(keptClock)
          if (ticketRevision !== null) remember(ticketRevision, clocks)
        }
        return { ticketId, calendarRevision, clocks }
      })
    }
  }
}
