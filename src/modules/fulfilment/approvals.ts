import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { AppError, ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { toPage, type Page } from '../../shared/pagination.js'
import { isAdmin, isAgent, type Principal } from '../../shared/principal.js'
import { findTeamById } from '../desks/repository.js'
import { runCommand, type CommandResult } from '../idempotency/run.js'
import type { CommandOptions, TicketService } from '../tickets/service.js'
import { findUserById, findUsersByIds } from '../users/repository.js'
import type { WorkflowStore } from '../workflows/store.js'
import { toApproval } from './mapping.js'
import { AWAITING_APPROVAL, canMove, statusAfterApproval } from './moves.js'
import type { TicketMover, TicketRow } from './mover.js'
import { approvalOutcome, rejectOnOf, requiredApprovals, type RejectOn } from './policy.js'
import * as repo from './repository.js'
import { Value } from '@sinclair/typebox/value'
import { ApprovalPolicySchema, type Approval, type ApprovalPolicy, type DecideApproval, type Decision, type ListApprovalsQuery } from './schema.js'

export const approvalNotFound = (id: string) => new NotFoundError('APPROVAL_NOT_FOUND', `Approval ${id} does not exist`)
type ApprovingPolicy = Exclude<ApprovalPolicy, { type: 'none' }>
/** Creates the planned tasks once an approval passes. */
export type AfterApproval = (tx: Db, ticket: TicketRow, actor: Principal, now: Date) => Promise<void>

/** Approvals on tickets: asked by the desk (or a fulfilment plan), decided once by each approver. */
export function createApprovalService ({ db, clock, tickets, workflows, move, afterApproval }: {
  db: Db, clock: Clock, tickets: TicketService, workflows: WorkflowStore, move: TicketMover, afterApproval: AfterApproval
}) {
  async function usersExist (tx: Db, ids: readonly string[], path: string, problems: FieldError[]) {
    const found = new Set((await findUsersByIds(tx, ids)).map(u => u.id))
    ids.forEach((id, i) => { if (!found.has(id)) problems.push({ path: `${path}/${i}`, message: 'no such user' }) })
  }

  /** The approvers a policy names for this ticket, fixed now; every problem is listed. */
  async function approversFor (tx: Db, policy: ApprovingPolicy, ticket: TicketRow, path: string): Promise<string[]> {
    const problems: FieldError[] = []
    const ids = new Set<string>()
    if (policy.type === 'users' || policy.type === 'group') {
      await usersExist(tx, policy.userIds ?? [], `${path}/userIds`, problems)
      for (const id of policy.userIds ?? []) ids.add(id)
    }
    if (policy.type === 'team' || (policy.type === 'group' && policy.teamId !== undefined)) {
      const teamId = policy.teamId as string
      if (await findTeamById(tx, teamId) === undefined) problems.push({ path: `${path}/teamId`, message: 'no such team' })
      else for (const id of await repo.listTeamMemberIds(tx, teamId)) ids.add(id)
    }
    if (policy.type === 'manager') {
      const managerId = (await findUserById(tx, ticket.requesterId))?.managerId ?? null
      if (managerId === null) problems.push({ path, message: 'the requester has no manager on record' })
      else ids.add(managerId)
    }
    if (policy.type === 'group' && policy.userIds === undefined && policy.teamId === undefined) problems.push({ path, message: 'a group names userIds, a teamId or both' })
    if (problems.length === 0 && ids.size === 0) problems.push({ path, message: 'names no approver (the team has no members)' })
    if (problems.length === 0 && policy.type === 'group' && policy.required > ids.size) {
      problems.push({ path: `${path}/required`, message: `exceeds the ${ids.size} approvers of the group` })
    }
    if (problems.length > 0) throw new ValidationError(problems)
    return [...ids]
  }

  /** Opens an approval on a locked ticket and moves it to awaiting_approval. */
  async function open (tx: Db, ticket: TicketRow, policy: ApprovalPolicy, actor: Principal, now: Date, path: string) {
    if (policy.type === 'none') throw new ValidationError([{ path: `${path}/type`, message: 'none asks for no approval' }])
    const approverIds = await approversFor(tx, policy, ticket, path)
    if (await repo.findPendingApproval(tx, ticket.id) !== undefined) throw new ConflictError('APPROVAL_PENDING', 'An approval is already pending on this ticket')
    const { definition } = await workflows.byId(tx, ticket.workflowId)
    const entering = ticket.status !== AWAITING_APPROVAL
    if (entering && !canMove(definition, ticket.status, AWAITING_APPROVAL)) {
      throw new InvalidTransitionError('TICKET_INVALID_TRANSITION', `A ${ticket.type} in ${ticket.status} cannot wait for approval`, { from: ticket.status, to: AWAITING_APPROVAL })
    }
    const required = requiredApprovals(policy, approverIds.length)
    const rejectOn = rejectOnOf(policy)
    const approval = await repo.insertApproval(tx, { ticketId: ticket.id, policy, state: 'pending', required, rejectOn, requestedById: actor.userId, createdAt: now }, approverIds)
    await tickets.insertEvent(tx, ticket.id, 'approval.requested', actor, now, { after: { approvalId: approval.id, policy: policy.type, approverIds, required, rejectOn } })
    if (entering) await move(tx, ticket, AWAITING_APPROVAL, actor, now, 'approval_requested')
    return approval
  }

  /** Ends an approval: the ticket moves on (and its planned tasks start) or is rejected. */
  async function finish (tx: Db, ticket: TicketRow, outcome: 'approved' | 'rejected', actor: Principal, now: Date) {
    let current = ticket
    if (ticket.status === AWAITING_APPROVAL) {
      const { definition } = await workflows.byId(tx, ticket.workflowId)
      const to = statusAfterApproval(definition, outcome)
      if (to !== undefined) current = await move(tx, ticket, to, actor, now, outcome === 'approved' ? 'approval_approved' : 'approval_rejected')
    }
    if (outcome === 'approved') await afterApproval(tx, current, actor, now)
  }

  async function withApprovers (tx: Db, rows: repo.ApprovalRow[]): Promise<Approval[]> {
    const approvers = await repo.listApprovers(tx, rows.map(r => r.id))
    return rows.map(r => toApproval(r, approvers))
  }

  return {
    open,

    async request (actor: Principal, idOrKey: string, policy: ApprovalPolicy, options: CommandOptions = {}): Promise<CommandResult<Approval>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent') throw new ForbiddenError('Only agents of the ticket\'s desk may ask for an approval')
        // REST validated the body already; GraphQL's JSON argument is checked here.
        const problems = [...Value.Errors(ApprovalPolicySchema, policy)].map(e => ({ path: `/policy${e.path}`, message: e.message }))
        if (problems.length > 0) throw new ValidationError(problems)
        const approval = await open(tx, row, policy, actor, now, '/policy')
        return (await withApprovers(tx, [approval]))[0] as Approval
      })
    },

    /**
     * Records one approver's decision. The ticket row is locked before the approval is read
     * again, so concurrent decisions queue and only the one that settles it moves the ticket.
     */
    async decide (actor: Principal, id: string, input: DecideApproval): Promise<Approval> {
      const now = clock.now()
      return db.transaction(async (tx) => {
        const found = isUuid(id) ? await repo.findApproval(tx, id) : undefined
        if (found === undefined) throw approvalNotFound(id)
        const { row } = await tickets.load(tx, actor, found.ticketId, true).catch((err: unknown) => {
          throw err instanceof AppError && err.code === 'TICKET_NOT_FOUND' ? approvalNotFound(id) : err
        })
        const approval = await repo.findApprovalForUpdate(tx, id) as repo.ApprovalRow
        const approvers = await repo.listApprovers(tx, [id])
        const mine = approvers.find(a => a.userId === actor.userId)
        if (mine === undefined) throw new ForbiddenError('Only the approvers of this approval may decide it')
        if (mine.decision !== null) throw new ConflictError('APPROVAL_ALREADY_DECIDED', 'You have already decided this approval')
        if (approval.state !== 'pending') throw new ConflictError('APPROVAL_CLOSED', `The approval is already ${approval.state}`)
        const comment = input.comment ?? null
        await repo.recordDecision(tx, id, actor.userId, input.decision, comment, now)
        Object.assign(mine, { decision: input.decision, comment, decidedAt: now })
        await tickets.insertEvent(tx, row.id, 'approval.decided', actor, now, { after: { approvalId: id, decision: input.decision, comment } })
        const outcome = approvalOutcome(approvers.map(a => a.decision as Decision | null), approval.required, approval.rejectOn as RejectOn)
        if (outcome !== 'pending') {
          await repo.updateApprovalState(tx, id, outcome, now)
          Object.assign(approval, { state: outcome, decidedAt: now })
          await tickets.insertEvent(tx, row.id, `approval.${outcome}`, actor, now, { after: { approvalId: id } })
          await finish(tx, row, outcome, actor, now)
        }
        return toApproval(approval, approvers)
      })
    },

    async get (actor: Principal, id: string): Promise<Approval> {
      const found = isUuid(id) ? await repo.findApproval(db, id) : undefined
      if (found === undefined) throw approvalNotFound(id)
      await tickets.load(db, actor, found.ticketId).catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'TICKET_NOT_FOUND' ? approvalNotFound(id) : err
      })
      return (await withApprovers(db, [found]))[0] as Approval
    },

    async ofTicket (actor: Principal, idOrKey: string): Promise<Approval[]> {
      const { row } = await tickets.load(db, actor, idOrKey)
      return withApprovers(db, await repo.listApprovalsOfTickets(db, [row.id]))
    },

    /** Approvals of many tickets the caller already sees (GraphQL's Ticket.approvals). */
    async ofTickets (ticketIds: readonly string[]): Promise<Map<string, Approval[]>> {
      const byTicket = new Map<string, Approval[]>(ticketIds.map(id => [id, []]))
      for (const approval of await withApprovers(db, await repo.listApprovalsOfTickets(db, ticketIds))) byTicket.get(approval.ticketId)?.push(approval)
      return byTicket
    },

    /** Approvals the caller may see, oldest first; `approver=me&state=pending` is "waiting for me". */
    async list (actor: Principal, query: ListApprovalsQuery): Promise<Page<Approval>> {
      const limit = query.limit ?? 50
      const approverId = query.approver === 'me' ? actor.userId : query.approver
      if (approverId !== undefined && !isUuid(approverId)) throw new ValidationError([{ path: '/approver', message: 'must be me or a user id' }])
      const rows = await repo.listApprovals(db, {
        visibleTo: isAdmin(actor) ? null : { userId: actor.userId, deskIds: isAgent(actor) ? actor.deskIds : [] },
        state: query.state,
        approverId,
        limit,
        after: decodeCreationCursor(query.cursor)
      })
      const page = toPage(rows, limit, creationCursorOf, r => r)
      return { ...page, data: await withApprovers(db, page.data) }
    }
  }
}
export type ApprovalService = ReturnType<typeof createApprovalService>
