import { AppError } from './errors.js'
import { decodeCursor } from './pagination.js'

/** Cursor of lists ordered by (createdAt, id). */
export function decodeCreationCursor (cursor: string | undefined): { createdAt: Date, id: string } | undefined {
  if (cursor === undefined) return undefined
  const [at, id] = decodeCursor(cursor, 2)
  const createdAt = new Date(typeof at === 'string' ? at : NaN)
  if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string') throw new AppError('INVALID_CURSOR', 'The cursor is malformed')
  return { createdAt, id }
}

export const creationCursorOf = (row: { createdAt: Date, id: string }) => [row.createdAt.toISOString(), row.id]
