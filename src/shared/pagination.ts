import { AppError } from './errors.js'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 200

export interface Page<T> { data: T[], nextCursor: string | null, total?: number }

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor (values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** Decodes a cursor made by `encodeCursor` with `arity` values; anything else is INVALID_CURSOR. */
export function decodeCursor (cursor: string, arity: number): unknown[] {
  let values: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url')
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new AppError('INVALID_CURSOR', 'The cursor is malformed; use nextCursor from a previous page')
  }
  if (!Array.isArray(values) || values.length !== arity || values.some(v => v !== null && typeof v !== 'string' && typeof v !== 'number')) {
    throw new AppError('INVALID_CURSOR', 'The cursor does not belong to this list or sort order')
  }
  return values
}

/** Takes `limit + 1` rows and turns them into a page whose cursor points after the last row kept. */
export function toPage<R, T> (rows: R[], limit: number, cursorOf: (row: R) => unknown[], map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit
  const kept = hasMore ? rows.slice(0, limit) : rows
  const last = kept[kept.length - 1]
  return { data: kept.map(map), nextCursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null }
}
