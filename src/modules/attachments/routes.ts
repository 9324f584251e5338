import { createHash } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { principalOf } from '../../http/auth.js'
import { idempotencyOf } from '../../http/idempotency.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuerySchema, PageOf } from '../../http/schemas.js'
import { AppError, ValidationError } from '../../shared/errors.js'
import { created } from '../tickets/routes.js'
import { AttachmentSchema } from './schema.js'

export { AttachmentSchema } from './schema.js'

export interface AttachmentRoutesOptions {
  /** Largest file accepted, in bytes (config.attachmentMaxBytes); a larger one answers 413. */
  maxBytes: number
}

const tags = ['attachments']
const TicketParams = IdParams('ticketId')
const AttachmentParams = IdParams('attachmentId')

/**
 * A file part read into memory. It serialises to a digest, so the Idempotency-Key fingerprint
 * (a hash of the JSON body) covers the content without stringifying the bytes.
 */
class UploadedFile {
  constructor (readonly filename: string | undefined, readonly contentType: string, readonly content: Buffer) {}
  toJSON () {
    return { filename: this.filename, contentType: this.contentType, sha256: createHash('sha256').update(this.content).digest('hex') }
  }
}

// The file property has no `type`: Ajv then accepts the UploadedFile the preValidation hook puts
// there, while OpenAPI 3.1 reads `contentMediaType` as binary content.
const UploadSchema = Type.Object({
  file: Type.Unsafe<UploadedFile>({ contentMediaType: 'application/octet-stream', description: 'The file: one part with a filename' }),
  commentId: Type.Optional(Type.String({ format: 'uuid', description: 'Attach to this comment of the ticket' }))
}, { additionalProperties: false })

const isMultipart = (contentType: string | undefined) => contentType?.split(';')[0]?.trim().toLowerCase() === 'multipart/form-data'

const pointer = (name: string) => `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`

/** Reads every part into a body for the route schema to validate; the file size limit was set at registration. */
async function readUpload (request: FastifyRequest, maxBytes: number): Promise<Record<string, unknown>> {
  try {
    return await readParts(request)
  } catch (err) {
    if ((err as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('PAYLOAD_TOO_LARGE', `A file may have at most ${maxBytes} bytes`, { maxBytes })
    }
    throw err
  }
}

async function readParts (request: FastifyRequest): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {}
  for await (const part of request.parts()) {
    if (Object.hasOwn(body, part.fieldname)) {
      if (part.type === 'file') part.file.resume()
      throw new ValidationError([{ path: pointer(part.fieldname), message: 'must appear once' }])
    }
    if (part.type === 'file') {
      body[part.fieldname] = new UploadedFile(part.filename, part.mimetype, await part.toBuffer())
    } else if (part.fieldname === 'file') {
      throw new ValidationError([{ path: '/file', message: 'must be a file part (with a filename)' }])
    } else {
      body[part.fieldname] = part.value
    }
  }
  return body
}

/** RFC 6266 with the real name as RFC 8187/5987 `filename*` and an ASCII `filename` fallback. */
export function contentDisposition (filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** Files on tickets and comments: /v1/tickets/{id}/attachments and /v1/attachments/{id}. */
const attachmentRoutes: FastifyPluginAsyncTypebox<AttachmentRoutesOptions> = async (app, { maxBytes }) => {
  // Registered here, not globally: only this plugin's routes accept multipart bodies.
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 2, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 50 } })
  const { attachments } = app.services

  app.post('/tickets/:ticketId/attachments', {
    schema: {
      tags,
      summary: 'Upload a file to a ticket or one of its comments (multipart/form-data)',
      description: `One part \`file\` (with a filename and Content-Type) and optionally \`commentId\`. At most ${maxBytes} bytes; larger files answer 413.`,
      params: TicketParams,
      body: { content: { 'multipart/form-data': { schema: UploadSchema } } },
      response: { 201: Type.Ref(AttachmentSchema), ...errorResponses }
    },
    preParsing: async (request, _reply, payload) => {
      if (!isMultipart(request.headers['content-type'])) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data')
      return payload
    },
    preValidation: async (request) => { request.body = await readUpload(request, maxBytes) }
  }, async (request, reply) => {
    const { file, commentId } = request.body as { file: UploadedFile, commentId?: string }
    const result = await attachments.upload(principalOf(request), request.params.ticketId, {
      filename: file.filename, contentType: file.contentType, content: file.content, commentId
    }, { idempotency: idempotencyOf(request) })
    return created(reply, result, `/v1/attachments/${result.value.id}`)
  })

  app.get('/tickets/:ticketId/attachments', {
    schema: { tags, summary: 'Files on the ticket and the comments you may see, oldest first', params: TicketParams, querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(AttachmentSchema), 'Attachment'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await attachments.list(principalOf(request), request.params.ticketId, request.query.limit ?? 50, request.query.cursor)))

  app.get('/attachments/:attachmentId', {
    schema: { tags, summary: 'An attachment\'s metadata', params: AttachmentParams, response: { 200: Type.Ref(AttachmentSchema), ...errorResponses } }
  }, async (request) => attachments.get(principalOf(request), request.params.attachmentId))

  app.get('/attachments/:attachmentId/content', {
    schema: {
      tags,
      operationId: 'getAttachmentContent',
      summary: 'Download an attachment',
      params: AttachmentParams,
      response: { 200: { description: 'The bytes, with the Content-Type given at upload', content: { '*/*': { schema: Type.Unsafe<Buffer>({ type: 'string', contentMediaType: 'application/octet-stream' }) } } }, ...errorResponses }
    }
  }, async (request, reply) => {
    const { attachment, content } = await attachments.content(principalOf(request), request.params.attachmentId)
    // Always a download, never rendered: user-supplied HTML or SVG must not run in the API's origin.
    return reply
      .header('content-type', attachment.contentType)
      .header('content-length', String(content.length))
      .header('content-disposition', contentDisposition(attachment.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'default-src \'none\'; sandbox')
      .send(content)
  })

  app.delete('/attachments/:attachmentId', {
    schema: { tags, summary: 'Delete an attachment (its uploader or an agent of the desk)', params: AttachmentParams, response: { 204: Type.Null(), ...errorResponses } }
  }, async (request, reply) => {
    await attachments.remove(principalOf(request), request.params.attachmentId)
    return reply.code(204).send(null)
  })
}
export default attachmentRoutes
