import { createHash } from 'node:crypto'
import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { toPage, type Page } from '../../shared/pagination.js'
import type { Principal } from '../../shared/principal.js'
import { runCommand, type CommandResult } from '../idempotency/run.js'
import type { CommandOptions, TicketService } from '../tickets/service.js'
import * as repo from './repository.js'
import type { Attachment, NewAttachment } from './schema.js'

const attachmentNotFound = (id: string) => new NotFoundError('ATTACHMENT_NOT_FOUND', `Attachment ${id} does not exist`)

export const toAttachment = (row: repo.AttachmentRow): Attachment => ({
  id: row.id,
  ticketId: row.ticketId,
  commentId: row.commentId,
  filename: row.filename,
  contentType: row.contentType,
  size: row.size,
  sha256: row.sha256,
  uploadedById: row.uploadedById,
  createdAt: row.createdAt.toISOString()
})

/** A name safe to store and offer back: no path, no control or bidi-override characters, at most 255 characters. */
export function cleanFilename (name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[/\\]/).pop()!.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim()
  // Lone surrogates cannot be encoded as UTF-8 (nor percent-encoded for Content-Disposition).
  const wellFormed = base.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  return wellFormed === '' ? 'file' : [...wellFormed].slice(0, 255).join('')
}

const mediaType = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;\s*[a-z0-9!#$&^_.+-]+=(?:[a-z0-9!#$&^_.+-]+|"[^"\\\r\n]*"))*$/i

/** The declared media type when it is well formed (RFC 9110 §8.3.1), else application/octet-stream. */
export function cleanContentType (value: string | undefined): string {
  const trimmed = (value ?? '').trim()
  return trimmed.length <= 255 && mediaType.test(trimmed) ? trimmed : 'application/octet-stream'
}

/** Files on tickets and comments, visible exactly to those who may see what they are attached to. */
export function createAttachmentService ({ db, clock, tickets }: { db: Db, clock: Clock, tickets: TicketService }) {
  /** Loads an attachment the caller may see, with their access to its ticket; 404 for anything else. */
  async function load (tx: Db, actor: Principal, id: string) {
    const row = isUuid(id) ? await repo.findAttachment(tx, id) : undefined
    if (row === undefined) throw attachmentNotFound(id)
    let ticket
    try {
      ticket = await tickets.load(tx, actor, row.ticketId)
    } catch (err) {
      // Answer about the attachment: the ticket's id must not leak to a caller who may not see it.
      if (err instanceof NotFoundError) throw attachmentNotFound(id)
      /* c8 ignore next - only database failures reach here */
      throw err
    }
    if (row.commentVisibility === 'internal' && ticket.access !== 'agent') throw attachmentNotFound(id)
    return { row, ticket: ticket.row, access: ticket.access }
  }

  return {
    /**
     * Stores a file on a ticket, or on one of its comments. Whoever may see the ticket may attach
     * to it; only agents of its desk see, and so attach to, internal notes.
     */
    async upload (actor: Principal, idOrKey: string, input: NewAttachment, options: CommandOptions = {}): Promise<CommandResult<Attachment>> {
      const now = clock.now()
      return runCommand(db, { ownerId: actor.userId, idempotency: options.idempotency, now }, async (tx) => {
        const { row: ticket, access } = await tickets.load(tx, actor, idOrKey)
        if (ticket.statusCategory === 'closed') throw new ConflictError('CONFLICT', 'The ticket is closed; open a new one')
        let isInternal = false
        if (input.commentId !== undefined) {
          const comment = isUuid(input.commentId) ? await repo.findComment(tx, ticket.id, input.commentId) : undefined
          if (comment === undefined || (comment.visibility === 'internal' && access !== 'agent')) {
            throw new NotFoundError('COMMENT_NOT_FOUND', `Comment ${input.commentId} does not exist on ${ticket.key}`)
          }
          isInternal = comment.visibility === 'internal'
        }
        const row = await repo.insertAttachment(tx, {
          ticketId: ticket.id,
          commentId: input.commentId ?? null,
          filename: cleanFilename(input.filename),
          contentType: cleanContentType(input.contentType),
          size: input.content.length,
          sha256: createHash('sha256').update(input.content).digest('hex'),
          content: input.content,
          uploadedById: actor.userId,
          createdAt: now
        })
        const attachment = toAttachment(row)
        const { id: attachmentId, commentId, filename, contentType, size, sha256 } = attachment
        await tickets.insertEvent(tx, ticket.id, 'attachment.added', actor, now, { after: { attachmentId, commentId, filename, contentType, size, sha256 }, internal: isInternal })
        return attachment
      })
    },

    async list (actor: Principal, idOrKey: string, limit: number, cursor?: string): Promise<Page<Attachment>> {
      const { row, access } = await tickets.load(db, actor, idOrKey)
      const rows = await repo.listAttachments(db, row.id, access === 'agent', limit, decodeCreationCursor(cursor))
      return toPage(rows, limit, creationCursorOf, toAttachment)
    },

    async get (actor: Principal, id: string): Promise<Attachment> {
      return toAttachment((await load(db, actor, id)).row)
    },

    /** The metadata and the bytes. */
    async content (actor: Principal, id: string): Promise<{ attachment: Attachment, content: Buffer }> {
      const { row } = await load(db, actor, id)
      const content = await repo.findAttachmentContent(db, row.id)
      if (content === undefined) throw attachmentNotFound(id)
      return { attachment: toAttachment(row), content }
    },

    /** Deletes a file: its uploader or an agent of the ticket's desk may. */
    async remove (actor: Principal, id: string): Promise<void> {
      const now = clock.now()
      await db.transaction(async (tx) => {
        const { row, ticket, access } = await load(tx, actor, id)
        if (access !== 'agent' && row.uploadedById !== actor.userId) throw new ForbiddenError('Only the uploader and agents of this desk may delete an attachment')
        if (!await repo.deleteAttachment(tx, row.id)) throw attachmentNotFound(id)
        await tickets.insertEvent(tx, ticket.id, 'attachment.removed', actor, now, {
          before: { attachmentId: row.id, commentId: row.commentId, filename: row.filename },
          internal: row.commentVisibility === 'internal'
        })
      })
    }
  }
}
export type AttachmentService = ReturnType<typeof createAttachmentService>
