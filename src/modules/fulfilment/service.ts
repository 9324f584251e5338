import { Value } from '@sinclair/typebox/value'
import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { ValidationError } from '../../shared/errors.js'
import { isAgent, type Principal } from '../../shared/principal.js'
import * as ticketRepo from '../tickets/repository.js'
import type { Ticket } from '../tickets/schema.js'
import type { TicketService } from '../tickets/service.js'
import type { WorkflowStore } from '../workflows/store.js'
import { createApprovalService } from './approvals.js'
import { AWAITING_APPROVAL, firstMoveInto } from './moves.js'
import { createTicketMover } from './mover.js'
import * as repo from './repository.js'
import { FulfilmentPlanSchema, type FulfilmentPlan } from './schema.js'
import { createTaskService } from './tasks.js'

/** Every problem TypeBox finds in a plan, as field errors. */
function planProblems (plan: unknown) {
  return [...Value.Errors(FulfilmentPlanSchema, plan)].map(e => ({ path: e.path === '' ? '/' : e.path, message: e.message }))
}

/** Approvals and fulfilment tasks on tickets, and the plan that starts them for a catalogue request. */
export function createFulfilmentService ({ db, clock, tickets, workflows }: { db: Db, clock: Clock, tickets: TicketService, workflows: WorkflowStore }) {
  const move = createTicketMover({ tickets, workflows })
  const tasks = createTaskService({ db, clock, tickets, workflows, move })
  const approvals = createApprovalService({ db, clock, tickets, workflows, move, afterApproval: tasks.startPlanned })

  // Approvers see the tickets they are asked to decide, and agents the tickets that hold a task
  // of their desk's teams, as viewers: what a requester sees, internal notes never.
  tickets.admitViewers(async (tx, ticketId, actor) =>
    await repo.isApproverOfTicket(tx, ticketId, actor.userId) || (isAgent(actor) && await repo.hasTaskOnDesks(tx, ticketId, actor.deskIds)))

  // A ticket leaving awaiting_approval other than by its approval's end (cancelled, or moved on
  // by an agent) cancels the pending approval; moved on into work, its planned tasks start.
  tickets.observe(async (tx, change) => {
    if (change.type !== 'ticket.status_changed' || change.before?.status !== AWAITING_APPROVAL || change.after?.status === AWAITING_APPROVAL) return
    const approvalId = await repo.cancelPendingApproval(tx, change.ticketId, change.at)
    if (approvalId === undefined) return
    await tickets.insertEvent(tx, change.ticketId, 'approval.cancelled', change.actor, change.at, { after: { approvalId, reason: `ticket moved to ${String(change.after?.status)}` } })
    if (change.after?.statusCategory === 'open') {
      await tasks.startPlanned(tx, await ticketRepo.findTicketForUpdate(tx, change.ticketId) as ticketRepo.TicketRow, change.actor, change.at)
    }
  })

  return {
    approvals,
    tasks,
    /**
     * Starts a plan inside the transaction that created `ticket` (after its `ticket.created`
     * event): stores the plan, then opens its approval (the ticket waits in awaiting_approval)
     * or, with approval `none`, moves the ticket to work and creates the tasks at once.
     */
    async start (tx: Db, ticket: Ticket, plan: FulfilmentPlan, actor: Principal, now: Date): Promise<void> {
      const problems = planProblems(plan)
      if (problems.length > 0) throw new ValidationError(problems)
      await tasks.checkTemplates(tx, plan.tasks)
      let row = await ticketRepo.findTicketForUpdate(tx, ticket.id) as ticketRepo.TicketRow
      await repo.insertPlan(tx, { ticketId: row.id, plan, createdAt: now })
      if (plan.approval.type !== 'none') {
        await approvals.open(tx, row, plan.approval, actor, now, '/approval')
        return
      }
      if (plan.tasks.length === 0) return
      const { definition } = await workflows.byId(tx, row.workflowId)
      const to = firstMoveInto(definition, row.status, 'open')
      if (to !== undefined) row = await move(tx, row, to, actor, now, 'fulfilment_started')
      await tasks.startPlanned(tx, row, actor, now)
    }
  }
}
export type FulfilmentService = ReturnType<typeof createFulfilmentService>
