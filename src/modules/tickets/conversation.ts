import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { decodeCursor, toPage, type Page } from '../../shared/pagination.js'
import type { Principal } from '../../shared/principal.js'
import { findUserById } from '../users/repository.js'
import { runCommand, type CommandResult } from '../idempotency/run.js'
import type { WorkflowStore } from '../workflows/store.js'
import { categoryOf } from '../workflows/lifecycle.js'
import { accessTo } from './access.js'
import { toComment, toEvent } from './mapping.js'
import * as repo from './repository.js'
import type { Comment, CreateComment, Link, TicketEvent } from './schema.js'
import type { CommandOptions, TicketService } from './service.js'
import type { User } from '../users/schema.js'
import { toUser } from '../users/service.js'

/** Comments, the timeline, participants and links: everything said about and around a ticket. */
export function createConversationService ({ db, clock, tickets, workflows }: { db: Db, clock: Clock, tickets: TicketService, workflows: WorkflowStore }) {
  return {
    async comments (actor: Principal, idOrKey: string, limit: number, cursor?: string): Promise<Page<Comment>> {
      const { row, access } = await tickets.load(db, actor, idOrKey)
      const rows = await repo.listComments(db, row.id, access === 'agent', limit, decodeCreationCursor(cursor))
      return toPage(rows, limit, creationCursorOf, toComment)
    },

    /**
     * Adds a comment. Only agents of the desk write internal notes; a requester's public reply
     * to a `pending` ticket moves it back to `in_progress`.
     */
    async addComment (actor: Principal, idOrKey: string, input: CreateComment, options: CommandOptions = {}): Promise<CommandResult<Comment>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        const visibility = input.visibility ?? 'public'
        if (visibility === 'internal' && access !== 'agent') throw new ForbiddenError('Only agents of this desk may write internal notes')
        if (row.statusCategory === 'closed') throw new ConflictError('CONFLICT', 'The ticket is closed; open a new one')
        const comment = await repo.insertComment(tx, { ticketId: row.id, authorId: actor.userId, body: input.body, visibility, createdAt: now })
        await tickets.insertEvent(tx, row.id, 'comment.added', actor, now, { after: { commentId: comment.id, visibility, body: comment.body }, internal: visibility === 'internal' })
        const { definition } = await workflows.byId(tx, row.workflowId)
        const reopens = access === 'requester' && row.status === 'pending' && definition.states.some(s => s.key === 'in_progress')
        if (reopens) {
          const after = { status: 'in_progress', statusCategory: categoryOf(definition, 'in_progress') }
          await repo.updateTicket(tx, row.id, { ...after, updatedAt: now })
          await tickets.insertEvent(tx, row.id, 'ticket.status_changed', actor, now, { before: { status: row.status, statusCategory: row.statusCategory }, after: { ...after, reason: 'requester_replied' } })
        } else {
          await repo.updateTicket(tx, row.id, { updatedAt: now })
        }
        return toComment(comment)
      })
    },

    async events (actor: Principal, idOrKey: string, limit: number, cursor?: string): Promise<Page<TicketEvent>> {
      const { row, access } = await tickets.load(db, actor, idOrKey)
      let afterId: number | undefined
      if (cursor !== undefined) {
        const [id] = decodeCursor(cursor, 1)
        if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new AppError('INVALID_CURSOR', 'The cursor is malformed')
        afterId = id
      }
      const rows = await repo.listEvents(db, row.id, access === 'agent', limit, afterId)
      return toPage(rows, limit, r => [r.id], toEvent)
    },

    async participants (actor: Principal, idOrKey: string): Promise<User[]> {
      const { row } = await tickets.load(db, actor, idOrKey)
      const rows = await repo.listParticipants(db, row.id)
      const users = await Promise.all(rows.map(p => findUserById(db, p.userId)))
      return users.filter(u => u !== undefined).map(toUser)
    },

    /** Adds a watcher: a requester added to a ticket may see it and comment publicly. */
    async addParticipant (actor: Principal, idOrKey: string, userId: string, options: CommandOptions = {}): Promise<CommandResult<User>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent' && row.requesterId !== actor.userId) throw new ForbiddenError('Only the requester and agents of this desk may add participants')
        const user = await findUserById(tx, userId)
        if (user === undefined) throw new ValidationError([{ path: '/userId', message: 'no such user' }])
        if (await repo.insertParticipant(tx, row.id, user.id, now)) {
          await tickets.insertEvent(tx, row.id, 'participant.added', actor, now, { after: { userId: user.id } })
        }
        return toUser(user)
      })
    },

    async removeParticipant (actor: Principal, idOrKey: string, userId: string): Promise<void> {
      const now = clock.now()
      await db.transaction(async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent' && row.requesterId !== actor.userId && userId !== actor.userId) throw new ForbiddenError('Only the requester and agents of this desk may remove participants')
        if (!await repo.deleteParticipant(tx, row.id, userId)) throw new NotFoundError('USER_NOT_FOUND', `User ${userId} does not take part in this ticket`)
        await tickets.insertEvent(tx, row.id, 'participant.removed', actor, now, { before: { userId } })
      })
    },

    async links (actor: Principal, idOrKey: string): Promise<Link[]> {
      const { row } = await tickets.load(db, actor, idOrKey)
      const rows = await repo.listLinks(db, row.id)
      return rows.map(({ link, outwardKey, inwardKey }) => {
        const outward = link.ticketId === row.id
        return {
          id: link.id,
          ticketId: row.id,
          targetTicketId: outward ? link.targetTicketId : link.ticketId,
          targetKey: outward ? outwardKey : inwardKey,
          kind: link.kind as Link['kind'],
          direction: outward ? 'outward' : 'inward',
          createdAt: link.createdAt.toISOString()
        }
      })
    },

    /** Links two tickets; only agents of the source ticket's desk may, and they must see the target. */
    async addLink (actor: Principal, idOrKey: string, input: { targetTicketId: string, kind: Link['kind'] }, options: CommandOptions = {}): Promise<CommandResult<Link>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent') throw new ForbiddenError('Only agents of this desk may link tickets')
        const target = await repo.findTicket(tx, input.targetTicketId)
        if (target === undefined || accessTo(actor, target, await repo.isParticipant(tx, target.id, actor.userId)) === 'none' || target.id === row.id) {
          throw new ValidationError([{ path: '/targetTicketId', message: 'no such ticket' }])
        }
        const link = await repo.insertLink(tx, { ticketId: row.id, targetTicketId: target.id, kind: input.kind, createdById: actor.userId, createdAt: now })
        if (link === undefined) throw new ConflictError('LINK_EXISTS', `${row.key} already ${input.kind} ${target.key}`)
        await tickets.insertEvent(tx, row.id, 'link.added', actor, now, { after: { linkId: link.id, kind: link.kind, targetTicketId: target.id, targetKey: target.key } })
        return { id: link.id, ticketId: row.id, targetTicketId: target.id, targetKey: target.key, kind: input.kind, direction: 'outward' as const, createdAt: link.createdAt.toISOString() }
      })
    },

    async removeLink (actor: Principal, idOrKey: string, linkId: string): Promise<void> {
      const now = clock.now()
      await db.transaction(async (tx) => {
        const { row, access } = await tickets.load(tx, actor, idOrKey, true)
        if (access !== 'agent') throw new ForbiddenError('Only agents of this desk may unlink tickets')
        const link = await repo.deleteLink(tx, row.id, linkId)
        if (link === undefined) throw new NotFoundError('LINK_NOT_FOUND', `Link ${linkId} does not exist`)
        await tickets.insertEvent(tx, row.id, 'link.removed', actor, now, { before: { linkId: link.id, kind: link.kind, targetTicketId: link.targetTicketId } })
      })
    }
  }
}
export type ConversationService = ReturnType<typeof createConversationService>
