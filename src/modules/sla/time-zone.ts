/**
 * Wall-clock ↔ instant conversion for IANA zones on top of Intl, which is all the runtime offers
 * (no Temporal). These calls allocate and cost microseconds, so business-time calls them only
 * while compiling a calendar day, never on its hot path.
 *
 * "Local ms" below is a wall-clock reading written as if it were UTC: Date.UTC(y, m, d, hh, mm).
 */

export const MS_PER_DAY = 86_400_000

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor (timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The zone's UTC offset in ms at an instant (local ms − instant), at whole-second precision. */
export function offsetAt (timeZone: string, instant: number): number {
  const seconds = Math.floor(instant / 1000) * 1000
  const fields: Record<string, number> = {}
  let isBeforeCommonEra = false
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    if (part.type === 'era') isBeforeCommonEra = part.value.startsWith('B')
    else if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const year = isBeforeCommonEra ? 1 - (fields.year ?? 0) : (fields.year ?? 0)
  const wall = new Date(0)
  // setUTCFullYear keeps years 0–99 literal, which Date.UTC would shift to 19xx.
  wall.setUTCFullYear(year, (fields.month ?? 1) - 1, fields.day ?? 1)
  wall.setUTCHours((fields.hour ?? 0) % 24, fields.minute ?? 0, fields.second ?? 0, 0)
  return wall.getTime() - seconds
}

/**
 * The instant at which the zone's clocks read `local` ms. A reading that never happens (the
 * spring-forward gap) maps to the instant the clocks jump over it; a reading that happens twice
 * (fall back) maps to its first occurrence.
 */
export function localToInstant (timeZone: string, local: number): number {
  // Offsets stay within ±24 h, so every instant with this reading lies within a day of it and
  // the offsets a day either side are the ones in force before and after any transition nearby.
  const before = offsetAt(timeZone, local - MS_PER_DAY)
  const after = offsetAt(timeZone, local + MS_PER_DAY)
  const early = local - before
  const isEarlyValid = offsetAt(timeZone, early) === before
  // The usual case, no transition nearby: one reading, one instant.
  if (before === after && isEarlyValid) return early
  const late = local - after
  const isLateValid = offsetAt(timeZone, late) === after
  if (isEarlyValid && isLateValid) return Math.min(early, late)
  if (isEarlyValid) return early
  if (isLateValid) return late
  // In a gap: the offset grew (after > before), so the jump lies in (late, early]. Bisect for the
  // first instant that already has the later offset; ~23 Intl calls, only on DST-gap boundaries.
  let lo = late
  let hi = early
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (offsetAt(timeZone, mid) === before) lo = mid
    else hi = mid
  }
  return hi
}
