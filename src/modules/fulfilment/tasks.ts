import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { toPage, type Page } from '../../shared/pagination.js'
import { isAdmin, requireAgent, worksDesk, type Principal } from '../../shared/principal.js'
import { findTeamById } from '../desks/repository.js'
import { runCommand, type CommandResult } from '../idempotency/run.js'
import type { CommandOptions, TicketService } from '../tickets/service.js'
import type { WorkflowStore } from '../workflows/store.js'
import { toTask } from './mapping.js'
import { firstMoveInto } from './moves.js'
import type { TicketMover, TicketRow } from './mover.js'
import * as repo from './repository.js'
import { Value } from '@sinclair/typebox/value'
import { TaskTemplateSchema, type FulfilmentPlan, type ListTasksQuery, type Task, type TaskStatus, type TaskTemplate, type UpdateTask } from './schema.js'
import { isFinished, isFulfilled, refusedStatusChange, tasksToOpen, workableOrder } from './sequencing.js'

export const taskNotFound = (id: string) => new NotFoundError('TASK_NOT_FOUND', `Task ${id} does not exist`)
const sequenced = (row: repo.TaskRow) => ({ ...row, order: row.position, status: row.status as TaskStatus })

/** Fulfilment tasks: created from a plan or by the desk's agents, worked by the agents of their team's desk. */
export function createTaskService ({ db, clock, tickets, workflows, move }: { db: Db, clock: Clock, tickets: TicketService, workflows: WorkflowStore, move: TicketMover }) {
  /** Each template's team must exist; its desk becomes the task's. */
  async function teamsOf (tx: Db, templates: readonly TaskTemplate[], path: (i: number) => string) {
    const problems: FieldError[] = []
    const deskIds: string[] = []
    for (const [i, template] of templates.entries()) {
      const team = await findTeamById(tx, template.teamId)
      if (team === undefined) problems.push({ path: path(i), message: 'no such team' })
      else deskIds.push(team.deskId)
    }
    if (problems.length > 0) throw new ValidationError(problems)
    return deskIds
  }

  /** Adds tasks to a ticket; those of the lowest unfinished order open at once, the others wait. */
  async function addTasks (tx: Db, ticket: TicketRow, templates: readonly TaskTemplate[], actor: Principal, now: Date, path: (i: number) => string) {
    const deskIds = await teamsOf(tx, templates, path)
    const existing = (await repo.listTasksOfTickets(tx, [ticket.id])).map(sequenced)
    const lowest = workableOrder([...existing, ...templates.map(t => ({ order: t.order ?? 0, status: 'pending' as const }))])
    const rows = await repo.insertTasks(tx, templates.map((t, i) => ({
      ticketId: ticket.id,
      teamId: t.teamId,
      deskId: deskIds[i] as string,
      title: t.title,
      description: t.description ?? null,
      position: t.order ?? 0,
      status: (t.order ?? 0) <= (lowest ?? 0) ? 'open' : 'pending',
      createdById: actor.userId,
      createdAt: now,
      updatedAt: now
    })))
    for (const row of rows) {
      await tickets.insertEvent(tx, ticket.id, 'task.created', actor, now, { after: { taskId: row.id, title: row.title, teamId: row.teamId, order: row.position, status: row.status } })
    }
    return rows
  }

  /** After a task finished: opens the next order's tasks, and resolves the ticket when the plan says so. */
  async function advance (tx: Db, ticket: TicketRow, actor: Principal, now: Date) {
    const all = (await repo.listTasksOfTickets(tx, [ticket.id])).map(sequenced)
    for (const task of tasksToOpen(all)) {
      await repo.updateTask(tx, task.id, { status: 'open', updatedAt: now })
      task.status = 'open'
      await tickets.insertEvent(tx, ticket.id, 'task.updated', actor, now, { before: { taskId: task.id, status: 'pending' }, after: { taskId: task.id, status: 'open', reason: 'earlier_tasks_finished' } })
    }
    if (!isFulfilled(all)) return
    const plan = await repo.findPlan(tx, ticket.id)
    if ((plan?.plan as FulfilmentPlan | undefined)?.autoResolve !== true) return
    const { definition } = await workflows.byId(tx, ticket.workflowId)
    const to = firstMoveInto(definition, ticket.status, 'resolved')
    if (to !== undefined) await move(tx, ticket, to, actor, now, 'tasks_done', 'fixed')
  }

  /** A task and the caller's access to its ticket; 404 when they may see neither. */
  async function loadTask (tx: Db, actor: Principal, id: string, forUpdate: boolean) {
    const task = isUuid(id) ? await repo.findTask(tx, id) : undefined
    if (task === undefined) throw taskNotFound(id)
    try {
      const ticket = await tickets.load(tx, actor, task.ticketId, forUpdate)
      return { task, ticket: ticket.row, mayWork: ticket.access === 'agent' || worksDesk(actor, task.deskId) }
    } catch (err) {
      if (err instanceof AppError && err.code === 'TICKET_NOT_FOUND') throw taskNotFound(id)
      throw err
    }
  }

  return {
    addTasks,
    /** Creates a plan's tasks once (at start without approval, or when its approval passes). */
    async startPlanned (tx: Db, ticket: TicketRow, actor: Principal, now: Date) {
      const plan = await repo.findPlan(tx, ticket.id)
      if (plan === undefined || plan.tasksCreatedAt !== null) return
      await addTasks(tx, ticket, (plan.plan as FulfilmentPlan).tasks, actor, now, i => `/tasks/${i}/teamId`)
      await repo.markPlanTasksCreated(tx, ticket.id, now)
    },
    checkTemplates: async (tx: Db, templates: readonly TaskTemplate[]) => { await teamsOf(tx, templates, i => `/tasks/${i}/teamId`) },

    async list (actor: Principal, idOrKey: string): Promise<Task[]> {
      const { row } = await tickets.load(db, actor, idOrKey)
      return (await repo.listTasksOfTickets(db, [row.id])).map(toTask)
    },

    /** Tasks of many tickets the caller already sees (GraphQL's Ticket.tasks). */
    async ofTickets (ticketIds: readonly string[]): Promise<Map<string, Task[]>> {
      const byTicket = new Map<string, Task[]>(ticketIds.map(id => [id, []]))
      for (const row of await repo.listTasksOfTickets(db, ticketIds)) byTicket.get(row.ticketId)?.push(toTask(row))
      return byTicket
    },

    async add (actor: Principal, idOrKey: string, input: TaskTemplate, options: CommandOptions = {}): Promise<CommandResult<Task>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent') throw new ForbiddenError('Only agents of the ticket\'s desk may add tasks')
        const problems = [...Value.Errors(TaskTemplateSchema, input)].map(e => ({ path: e.path, message: e.message }))
        if (problems.length > 0) throw new ValidationError(problems)
        if (row.statusCategory === 'resolved' || row.statusCategory === 'closed') throw new ConflictError('CONFLICT', `The ticket is ${row.status}; it takes no new tasks`)
        const [task] = await addTasks(tx, row, [input], actor, now, () => '/teamId')
        return toTask(task as repo.TaskRow)
      })
    },

    async get (actor: Principal, id: string): Promise<Task> {
      return toTask((await loadTask(db, actor, id, false)).task)
    },

    /** Assigns or moves a task; agents of the task team's desk or of the ticket's desk may. */
    async update (actor: Principal, id: string, patch: UpdateTask): Promise<Task> {
      const now = clock.now()
      return db.transaction(async (tx) => {
        // The ticket row is locked first, so two tasks finishing at once advance the ticket once.
        const { task, ticket, mayWork } = await loadTask(tx, actor, id, true)
        if (!mayWork) throw new ForbiddenError('Only agents of the task\'s team desk or of the ticket\'s desk may work a task')
        if (patch.assigneeId != null && !await repo.isTeamMember(tx, task.teamId, patch.assigneeId)) {
          throw new ValidationError([{ path: '/assigneeId', message: 'is not a member of the task\'s team' }])
        }
        const current = task.status as TaskStatus
        const refused = patch.status === undefined ? undefined : refusedStatusChange(current, patch.status)
        if (refused !== undefined) throw new ConflictError('TASK_INVALID_STATUS', refused, { from: current, to: patch.status })
        const before: Record<string, unknown> = { taskId: task.id }
        const after: Record<string, unknown> = { taskId: task.id }
        const next: Partial<repo.NewTaskRow> = { updatedAt: now }
        if (patch.assigneeId !== undefined && patch.assigneeId !== task.assigneeId) {
          before.assigneeId = task.assigneeId; after.assigneeId = next.assigneeId = patch.assigneeId
        }
        if (patch.status !== undefined && patch.status !== current) {
          before.status = current; after.status = next.status = patch.status
          if (isFinished(patch.status)) next.completedAt = now
        }
        if (Object.keys(after).length === 1) return toTask(task)
        const updated = await repo.updateTask(tx, task.id, next)
        await tickets.insertEvent(tx, ticket.id, 'task.updated', actor, now, { before, after })
        if (next.status !== undefined && isFinished(next.status as TaskStatus)) await advance(tx, ticket, actor, now)
        return toTask(updated)
      })
    },

    /** A queue of tasks for agents: their desks' teams' tasks and the tasks on their desks' tickets. */
    async queue (actor: Principal, query: ListTasksQuery): Promise<Page<Task>> {
      requireAgent(actor)
      const limit = query.limit ?? 50
      let assigneeId: string | null | undefined
      if (query.assigneeId === 'me') assigneeId = actor.userId
      else if (query.assigneeId === 'none') assigneeId = null
      else if (query.assigneeId !== undefined) {
        if (!isUuid(query.assigneeId)) throw new ValidationError([{ path: '/assigneeId', message: 'must be a user id, me or none' }])
        assigneeId = query.assigneeId
      }
      const rows = await repo.listTasks(db, {
        deskIds: isAdmin(actor) ? null : actor.deskIds, teamId: query.teamId, assigneeId, status: query.status, limit, after: decodeCreationCursor(query.cursor)
      })
      return toPage(rows, limit, creationCursorOf, toTask)
    }
  }
}
export type TaskService = ReturnType<typeof createTaskService>
