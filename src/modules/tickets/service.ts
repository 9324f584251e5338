import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { NotFoundError, PreconditionFailedError, ValidationError, type FieldError } from '../../shared/errors.js'
import { decodeCursor, toPage, type Page } from '../../shared/pagination.js'
import { isAdmin, type Principal } from '../../shared/principal.js'
import { findDesk, findTeamById, isDeskMember, type DeskRow } from '../desks/repository.js'
import { findUserById } from '../users/repository.js'
import { runCommand, type CommandResult, type IdempotencyKey } from '../idempotency/run.js'
import { availableTransitions, categoryOf, transition as applyTransition } from '../workflows/lifecycle.js'
import type { WorkflowStore } from '../workflows/store.js'
import type { CatalogRequest, CatalogService } from '../catalog/service.js'
import type { StatusCategory } from '../workflows/definition.js'
import { accessTo, unwritableFields, workflowActors, WRITABLE_ON_CREATE, WRITABLE_ON_UPDATE, type TicketAccess } from './access.js'
import { filterFromParams, filterFromRsql, parseSort, type FilterNode, type SortKey } from './filter.js'
import { diff, toTicket } from './mapping.js'
import { priorityFor, type Level } from './priority.js'
import * as repo from './repository.js'
import type { CreateTicket, ListTicketsQuery, Ticket, TransitionRequestBody, UpdateTicket } from './schema.js'

export const ticketNotFound = (idOrKey: string) => new NotFoundError('TICKET_NOT_FOUND', `Ticket ${idOrKey} does not exist`)

/** A change just written to a ticket's timeline, inside the transaction that made it. */
export interface TicketChange {
  ticketId: string
  type: string
  actor: Principal
  at: Date
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}
/** Other modules (service levels) react to ticket changes in the same transaction. */
export type TicketObserver = (tx: Db, change: TicketChange) => Promise<void>
/** Other modules (fulfilment) let callers see a ticket they neither requested nor work. */
export type TicketViewerCheck = (tx: Db, ticketId: string, actor: Principal) => Promise<boolean>

export interface CommandOptions { idempotency?: IdempotencyKey | undefined, expectedVersion?: number | undefined }

export interface TicketListRequest {
  filter: FilterNode[]
  text?: string | undefined
  sort: SortKey[]
  limit: number
  cursor?: string | undefined
  includeTotal?: boolean | undefined
}

/** Turns REST query parameters into the one internal list request. */
export function listRequestFromQuery (query: ListTicketsQuery): TicketListRequest {
  const filter = filterFromParams(query as Record<string, string | undefined>)
  if (query.filter !== undefined) filter.push(filterFromRsql(query.filter))
  return { filter, text: query.q, sort: parseSort(query.sort), limit: query.limit ?? 50, cursor: query.cursor, includeTotal: query.includeTotal }
}

const cursorOf = (sort: SortKey[]) => (row: repo.ListedTicket): unknown[] => [
  ...sort.map(k => k.field === 'key' ? row.number : row[k.field]),
  row.id
]

/** Listed rows go out as they are: serializers write only a Ticket's own fields, so the
 * sort-only `number` and `slaDueAt` never reach a client and need no copy of the row to drop them. */
const asTicket = (row: repo.ListedTicket): Ticket => row

/** Starts a catalogue request's fulfilment plan (approval, then tasks) in the creating transaction. */
export type StartFulfilment = (tx: Db, ticket: Ticket, plan: CatalogRequest['plan'], actor: Principal, now: Date) => Promise<void>

export function createTicketService ({ db, clock, workflows, catalog, startFulfilment }: { db: Db, clock: Clock, workflows: WorkflowStore, catalog: CatalogService, startFulfilment: StartFulfilment }) {
  // Desk ids and keys never change, so a desk once read is cached for the process.
  const desks = new Map<string, DeskRow>()
  async function deskOf (tx: Db, idOrKey: string) {
    const cached = desks.get(idOrKey) ?? desks.get(idOrKey.toUpperCase())
    if (cached !== undefined) return cached
    const row = await findDesk(tx, idOrKey)
    if (row !== undefined) { desks.set(row.id, row); desks.set(row.key, row) }
    return row
  }

  const viewerChecks: TicketViewerCheck[] = []
  /** Loads a ticket the caller may see, or answers 404 as if it did not exist. */
  async function load (tx: Db, actor: Principal, idOrKey: string, forUpdate = false) {
    return await loadWith(tx, actor, idOrKey, forUpdate ? repo.findTicketForUpdate : repo.findTicket)
  }

  /** The same through another read of the row (one that takes related rows along). */
  async function loadWith<R extends { id: string, deskId: string, requesterId: string }> (tx: Db, actor: Principal, idOrKey: string, read: (db: Db, idOrKey: string) => Promise<R | undefined>): Promise<{ row: R, access: Exclude<TicketAccess, 'none'> }> {
    const row = await read(tx, idOrKey)
    if (row === undefined) throw ticketNotFound(idOrKey)
    let access = accessTo(actor, row, false)
    if (access === 'none') access = accessTo(actor, row, await repo.isParticipant(tx, row.id, actor.userId))
    for (const check of viewerChecks) if (access === 'none' && await check(tx, row.id, actor)) access = 'viewer'
    if (access === 'none') throw ticketNotFound(idOrKey)
    return { row, access }
  }

  function checkVersion (row: repo.TicketRow, expected: number | undefined) {
    if (expected !== undefined && expected !== row.version) {
      throw new PreconditionFailedError('VERSION_MISMATCH', `The ticket is at version ${row.version}, not ${expected}`, { currentVersion: row.version })
    }
  }

  /** Checks that team and assignee belong to the ticket's desk; collects every problem. */
  async function checkAssignment (tx: Db, deskId: string, input: { teamId?: string | null | undefined, assigneeId?: string | null | undefined }, problems: FieldError[]) {
    if (input.teamId != null) {
      const team = await findTeamById(tx, input.teamId)
      if (team === undefined || team.deskId !== deskId) problems.push({ path: '/teamId', message: 'is not a team of this ticket\'s desk' })
    }
    if (input.assigneeId != null && !await isDeskMember(tx, input.assigneeId, deskId)) {
      problems.push({ path: '/assigneeId', message: 'is not a member of a team of this ticket\'s desk' })
    }
  }

  const observers: TicketObserver[] = []
  async function insertEvent (tx: Db, ticketId: string, type: string, actor: Principal, now: Date, change: { before?: object | null, after?: object | null, internal?: boolean }) {
    const before = (change.before ?? null) as Record<string, unknown> | null
    const after = (change.after ?? null) as Record<string, unknown> | null
    await repo.insertEvent(tx, { ticketId, type, actorId: actor.userId, occurredAt: now, isInternal: change.internal ?? false, before, after })
    for (const observer of observers) await observer(tx, { ticketId, type, actor, at: now, before, after })
  }

  return {
    load,
    loadWith,
    insertEvent,
    observe (observer: TicketObserver) { observers.push(observer) },
    admitViewers (check: TicketViewerCheck) { viewerChecks.push(check) },

    async create (actor: Principal, input: CreateTicket, options: CommandOptions = {}): Promise<CommandResult<Ticket>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        // A catalogue request takes its type, desk, service and checked fields from the item.
        const request: CatalogRequest | undefined = input.catalogItemId === undefined ? undefined : await catalog.requestFrom(tx, actor, { ...input, catalogItemId: input.catalogItemId })
        const missing = (['type', 'title', 'deskId'] as const).filter(k => request === undefined && input[k] === undefined)
        if (missing.length > 0) throw new ValidationError(missing.map(k => ({ path: `/${k}`, message: 'is required unless catalogItemId is given' })))
        const deskRef = request?.deskId ?? input.deskId!
        const desk = await deskOf(tx, deskRef)
        if (desk === undefined) throw new ValidationError([{ path: '/deskId', message: `no desk ${deskRef}` }])
        const type = request?.type ?? input.type!
        const access = accessTo(actor, { deskId: desk.id, requesterId: actor.userId }, false)
        const role = access === 'agent' ? 'agent' : 'requester'
        const refused = unwritableFields(input, WRITABLE_ON_CREATE[role])
        if (refused.length > 0) throw new ValidationError(refused, 'FIELD_NOT_WRITABLE')
        const problems: FieldError[] = []
        let requesterId = actor.userId
        if (input.requesterId !== undefined) {
          const requester = await findUserById(tx, input.requesterId)
          if (requester === undefined) problems.push({ path: '/requesterId', message: 'no such user' })
          else requesterId = requester.id
        }
        await checkAssignment(tx, desk.id, input, problems)
        if (request === undefined && input.serviceId !== undefined) await catalog.checkTicketService(tx, actor, input.serviceId, desk.id, problems)
        if (input.parentId !== undefined) {
          const parent = await repo.findTicket(tx, input.parentId)
          if (parent === undefined || accessTo(actor, parent, false) === 'none') problems.push({ path: '/parentId', message: 'no such ticket' })
        }
        if (problems.length > 0) throw new ValidationError(problems)
        const workflow = await workflows.defaultFor(tx, type)
        const impact: Level = input.impact ?? 'medium'
        const urgency: Level = input.urgency ?? 'medium'
        const number = await repo.nextNumber(tx, desk.id)
        const row = await repo.insertTicket(tx, {
          key: `${desk.key}-${number}`,
          number,
          deskId: desk.id,
          type,
          workflowId: workflow.id,
          title: request?.title ?? input.title!,
          description: input.description ?? null,
          status: workflow.definition.initial,
          statusCategory: categoryOf(workflow.definition, workflow.definition.initial),
          impact,
          urgency,
          priority: input.priority ?? priorityFor(impact, urgency),
          priorityOverridden: input.priority !== undefined,
          channel: input.channel ?? 'api',
          fields: request?.fields ?? input.fields ?? {},
          serviceId: request?.serviceId ?? input.serviceId ?? null,
          catalogItemId: request?.catalogItemId ?? null,
          formVersion: request?.formVersion ?? null,
          tags: input.tags ?? [],
          requesterId,
          assigneeId: input.assigneeId ?? null,
          teamId: input.teamId ?? null,
          parentId: input.parentId ?? null,
          createdById: actor.userId,
          createdAt: now,
          updatedAt: now
        })
        const ticket = toTicket(row)
        await insertEvent(tx, row.id, 'ticket.created', actor, now, { after: ticket })
        if (request === undefined || (request.plan.approval.type === 'none' && request.plan.tasks.length === 0)) return ticket
        // The plan may move the ticket (awaiting approval, or to work with its tasks): answer its state after that.
        await startFulfilment(tx, ticket, request.plan, actor, now)
        return toTicket((await repo.findTicket(tx, row.id))!)
      })
    },

    async get (actor: Principal, idOrKey: string): Promise<Ticket> {
      return toTicket((await load(db, actor, idOrKey)).row)
    },

    async list (actor: Principal, request: TicketListRequest): Promise<Page<Ticket>> {
      const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.sort.length + 1)
      const visibility = { all: isAdmin(actor), userId: actor.userId, deskIds: actor.deskIds }
      const query = { visibility, now: clock.now(), filter: request.filter, text: request.text, sort: request.sort, limit: request.limit, after }
      const rows = await repo.listTicketViews(db, query)
      const page: Page<Ticket> = toPage(rows, request.limit, cursorOf(request.sort), asTicket)
      if (request.includeTotal === true) page.total = await repo.countTickets(db, query)
      return page
    },

    async update (actor: Principal, idOrKey: string, patch: UpdateTicket, options: CommandOptions = {}): Promise<Ticket> {
      const now = clock.now()
      const { value } = await runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await load(tx, actor, idOrKey, true)
        const refused = unwritableFields(patch, WRITABLE_ON_UPDATE[access])
        if (refused.length > 0) throw new ValidationError(refused, 'FIELD_NOT_WRITABLE')
        checkVersion(row, options.expectedVersion)
        const problems: FieldError[] = []
        await checkAssignment(tx, row.deskId, patch, problems)
        if (patch.parentId != null && (patch.parentId === row.id || await repo.findTicket(tx, patch.parentId) === undefined)) {
          problems.push({ path: '/parentId', message: 'no such ticket' })
        }
        if (patch.serviceId != null && patch.serviceId !== row.serviceId) await catalog.checkTicketService(tx, actor, patch.serviceId, row.deskId, problems)
        if (problems.length > 0) throw new ValidationError(problems)
        // A catalogue ticket's fields keep answering the form version it was created with.
        if (patch.fields !== undefined && row.catalogItemId !== null && row.formVersion !== null) {
          patch = { ...patch, fields: await catalog.recheck(tx, { catalogItemId: row.catalogItemId, formVersion: row.formVersion }, patch.fields) }
        }
        const { priority, ...rest } = patch
        const next: Partial<repo.NewTicketRow> = { ...rest, updatedAt: now }
        const impact = (patch.impact ?? row.impact) as Level
        const urgency = (patch.urgency ?? row.urgency) as Level
        const overridden = priority === undefined ? row.priorityOverridden : priority !== null
        next.priorityOverridden = overridden
        next.priority = priority != null ? priority : overridden ? row.priority : priorityFor(impact, urgency)
        const before = toTicket(row)
        const after = toTicket({ ...row, ...next } as repo.TicketRow)
        const change = diff(before, after)
        if (change === undefined) return before
        const updated = await repo.updateTicket(tx, row.id, next)
        await insertEvent(tx, row.id, 'ticket.updated', actor, now, change)
        return toTicket(updated)
      })
      return value
    },

    async transitions (actor: Principal, idOrKey: string) {
      const { row, access } = await load(db, actor, idOrKey)
      const { definition } = await workflows.byId(db, row.workflowId)
      return availableTransitions(definition, row.status, workflowActors(access))
        .map(t => ({ ...t, statusCategory: categoryOf(definition, t.to) }))
    },

    async transition (actor: Principal, idOrKey: string, request: TransitionRequestBody, options: CommandOptions = {}): Promise<CommandResult<Ticket>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await load(tx, actor, idOrKey, true)
        checkVersion(row, options.expectedVersion)
        const { definition } = await workflows.byId(tx, row.workflowId)
        const next = applyTransition(definition, { ...row, statusCategory: row.statusCategory as StatusCategory }, request, workflowActors(access), now)
        const updated = await repo.updateTicket(tx, row.id, { ...next, updatedAt: now })
        const before = { status: row.status, statusCategory: row.statusCategory, resolution: row.resolution }
        const after = { status: next.status, statusCategory: next.statusCategory, resolution: next.resolution }
        await insertEvent(tx, row.id, 'ticket.status_changed', actor, now, { before, after })
        if (request.comment !== undefined) {
          const comment = await repo.insertComment(tx, { ticketId: row.id, authorId: actor.userId, body: request.comment, visibility: 'public', createdAt: now })
          await insertEvent(tx, row.id, 'comment.added', actor, now, { after: { commentId: comment.id, visibility: 'public', body: comment.body } })
        }
        return toTicket(updated)
      })
    },

    async findMany (actor: Principal, ids: readonly string[]): Promise<Array<Ticket | null>> {
      const rows = await repo.findTicketsByIds(db, ids)
      const byId = new Map(rows.map(r => [r.id, r]))
      return ids.map(id => {
        const row = byId.get(id)
        return row !== undefined && accessTo(actor, row, false) !== 'none' ? toTicket(row) : null
      })
    }
  }
}
export type TicketService = ReturnType<typeof createTicketService>
