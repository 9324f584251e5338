import { Type, type Static } from '@sinclair/typebox'
import { Nullable, Timestamp, Uuid } from '../../http/schemas.js'

/** An attachment's metadata; the bytes travel only through GET /v1/attachments/{id}/content. */
export const AttachmentSchema = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  commentId: Nullable(Uuid),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer({ minimum: 0, description: 'Bytes' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Hex SHA-256 of the content' }),
  uploadedById: Uuid,
  createdAt: Timestamp
}, { $id: 'Attachment' })
export type Attachment = Static<typeof AttachmentSchema>

/** What an upload carries once the multipart body is read. */
export interface NewAttachment {
  /** As sent; stored cleaned (see cleanFilename), `file` when missing. */
  filename: string | undefined
  contentType: string
  content: Buffer
  commentId?: string | undefined
}
