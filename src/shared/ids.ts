const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A malformed id can never name a row; callers answer 404 for it without asking the database. */
export const isUuid = (value: string) => uuidPattern.test(value)
