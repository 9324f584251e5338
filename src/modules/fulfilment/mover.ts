import type { Db } from '../../db/client.js'
import type { Principal } from '../../shared/principal.js'
import * as ticketRepo from '../tickets/repository.js'
import type { TicketService } from '../tickets/service.js'
import type { StatusCategory } from '../workflows/definition.js'
import { transition } from '../workflows/lifecycle.js'
import type { WorkflowStore } from '../workflows/store.js'

export type TicketRow = ticketRepo.TicketRow

/**
 * Moves a ticket on behalf of the fulfilment flow (an approval's end, the last task done): the
 * workflow must have the move, whoever may take it by hand. The status change is a timeline
 * event carrying `reason`, seen by the SLA clocks like any other.
 */
export function createTicketMover ({ tickets, workflows }: { tickets: TicketService, workflows: WorkflowStore }) {
  return async function move (tx: Db, row: TicketRow, to: string, actor: Principal, now: Date, reason: string, resolution?: string): Promise<TicketRow> {
    const { definition } = await workflows.byId(tx, row.workflowId)
    const current = { ...row, statusCategory: row.statusCategory as StatusCategory }
    // The reason stands in for a comment where the workflow asks one (rejecting); it is not stored as a comment.
    const next = transition(definition, current, { to, resolution, comment: reason }, ['agent', 'requester'], now)
    const updated = await ticketRepo.updateTicket(tx, row.id, { ...next, updatedAt: now })
    await tickets.insertEvent(tx, row.id, 'ticket.status_changed', actor, now, {
      before: { status: row.status, statusCategory: row.statusCategory, resolution: row.resolution },
      after: { status: next.status, statusCategory: next.statusCategory, resolution: next.resolution, reason }
    })
    return updated
  }
}
export type TicketMover = ReturnType<typeof createTicketMover>
