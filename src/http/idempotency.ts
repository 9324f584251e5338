import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ValidationError } from '../shared/errors.js'
import type { IdempotencyKey } from '../modules/idempotency/run.js'

/** Reads `Idempotency-Key` and fingerprints the request it came with (method, path, body). */
export function idempotencyOf (request: FastifyRequest): IdempotencyKey | undefined {
  const key = request.headers['idempotency-key']
  if (key === undefined) return undefined
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ValidationError([{ path: '/headers/idempotency-key', message: 'must be 1-255 visible ASCII characters' }])
  }
  const fingerprint = createHash('sha256').update(request.method).update('\0').update(request.url.split('?')[0]!).update('\0').update(JSON.stringify(request.body ?? null)).digest('hex')
  return { key, fingerprint }
}

/** Parses `If-Match: "3"` (or W/"3") into the ticket version it names. */
export function expectedVersionOf (request: FastifyRequest): number | undefined {
  const header = request.headers['if-match']
  if (header === undefined) return undefined
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim())
  if (match === null) throw new ValidationError([{ path: '/headers/if-match', message: 'must be an ETag from this API, e.g. "3"' }])
  return Number(match[1])
}

export const etagOf = (version: number) => `"${version}"`
