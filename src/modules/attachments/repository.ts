import { and, asc, eq, isNull, or } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { afterKey } from '../../db/keyset.js'
import { attachments, comments } from '../../db/schema.js'

export type NewAttachmentRow = typeof attachments.$inferInsert

/** Every column but the bytes, which only the content endpoint reads. */
const metadata = {
  id: attachments.id,
  ticketId: attachments.ticketId,
  commentId: attachments.commentId,
  filename: attachments.filename,
  contentType: attachments.contentType,
  size: attachments.size,
  sha256: attachments.sha256,
  uploadedById: attachments.uploadedById,
  createdAt: attachments.createdAt
}
export type AttachmentRow = { [K in keyof typeof metadata]: (typeof attachments.$inferSelect)[K] }

export async function insertAttachment (db: Db, values: NewAttachmentRow): Promise<AttachmentRow> {
  const [row] = await db.insert(attachments).values(values).returning(metadata)
  return row!
}

/** The attachment and the visibility of the comment it hangs on (null when on the ticket itself). */
export async function findAttachment (db: Db, id: string) {
  const [row] = await db.select({ ...metadata, commentVisibility: comments.visibility })
    .from(attachments)
    .leftJoin(comments, eq(comments.id, attachments.commentId))
    .where(eq(attachments.id, id))
  return row
}

export async function findAttachmentContent (db: Db, id: string) {
  const [row] = await db.select({ content: attachments.content }).from(attachments).where(eq(attachments.id, id))
  return row?.content
}

/** A ticket's attachments, oldest first; without `includeInternal`, none on internal comments. */
export async function listAttachments (db: Db, ticketId: string, includeInternal: boolean, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select(metadata)
    .from(attachments)
    .leftJoin(comments, eq(comments.id, attachments.commentId))
    .where(and(
      eq(attachments.ticketId, ticketId),
      includeInternal ? undefined : or(isNull(attachments.commentId), eq(comments.visibility, 'public')),
      afterKey(attachments.createdAt, attachments.id, after)
    ))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
    .limit(limit + 1)
}

export async function deleteAttachment (db: Db, id: string) {
  const rows = await db.delete(attachments).where(eq(attachments.id, id)).returning({ id: attachments.id })
  return rows.length > 0
}

export async function findComment (db: Db, ticketId: string, commentId: string) {
  const [row] = await db.select({ id: comments.id, visibility: comments.visibility }).from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.ticketId, ticketId)))
  return row
}
