const unavailableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  // SQLSTATE class 08 (connection exception) and 57P0x (operator intervention: shutdown)
  '08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03'
])

/** True for errors meaning "the database cannot be reached right now" rather than a bad query. */
export function isDatabaseUnavailable (err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown, message?: unknown }
    if (typeof code === 'string' && unavailableCodes.has(code)) return true
    if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Query read timeout/.test(message)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}

const uniqueViolation = '23505'
/** True when `err` (or its cause, as drizzle wraps driver errors) is a unique-key violation on `constraint`. */
export function isUniqueViolation (err: unknown, constraint?: string): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const { code, constraint: c } = e as { code?: unknown, constraint?: unknown }
    if (code === uniqueViolation && (constraint === undefined || c === constraint)) return true
    e = (e as { cause?: unknown }).cause
  }
  return false
}
