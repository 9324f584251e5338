import type { Holiday } from '../sla/calendar.js'

export interface IcalProblem { path: string, message: string }

/** RFC 5545 §3.1: a line starting with a space or tab continues the previous one. */
const unfold = (text: string) => text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)

/** Undoes RFC 5545 TEXT escaping (`\,` `\;` `\n` `\\`). */
const unescapeText = (value: string) => value.replace(/\\([,;\\nN])/g, (_m, c: string) => (c === 'n' || c === 'N') ? ' ' : c)

const isoDate = (basic: string) => `${basic.slice(0, 4)}-${basic.slice(4, 6)}-${basic.slice(6, 8)}`
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/**
 * Reads holidays from an iCalendar file: each VEVENT is a holiday named by its SUMMARY on the
 * date of DTSTART (all-day events spanning several days give one holiday per day, DTEND being
 * exclusive); `RRULE:FREQ=YEARLY` makes it recurring. Events with a time of day count for the
 * date they start on. Returns the holidays and the events it could not read.
 */
export function parseIcalHolidays (text: string): { holidays: Holiday[], problems: IcalProblem[] } {
  const lines = unfold(text)
  if (!lines.some(l => l.trim().toUpperCase() === 'BEGIN:VCALENDAR')) {
    return { holidays: [], problems: [{ path: '/', message: 'not an iCalendar file (no BEGIN:VCALENDAR)' }] }
  }
  const holidays: Holiday[] = []
  const problems: IcalProblem[] = []
  let event: Record<string, string> | undefined
  let index = 0
  for (const raw of lines) {
    const line = raw.trimEnd()
    const upper = line.toUpperCase()
    if (upper === 'BEGIN:VEVENT') { event = {}; continue }
    if (upper === 'END:VEVENT') {
      const path = `/events/${index++}`
      const start = /(\d{8})/.exec(event?.DTSTART ?? '')?.[1]
      if (event === undefined || start === undefined) {
        problems.push({ path, message: 'event without a DTSTART date' })
      } else {
        const name = unescapeText(event.SUMMARY ?? 'Holiday').slice(0, 200)
        const recurring = /FREQ=YEARLY/i.test(event.RRULE ?? '')
        const first = isoDate(start)
        const endBasic = /(\d{8})/.exec(event.DTEND ?? '')?.[1]
        const last = endBasic !== undefined && /VALUE=DATE(?!-)/i.test(event.DTEND_PARAMS ?? '') ? isoDate(endBasic) : dayAfter(first)
        let days = 0
        for (let date = first; date < last && days < 366; date = dayAfter(date), days++) {
          holidays.push(recurring ? { date, name, recurring } : { date, name })
        }
        if (days === 0) holidays.push(recurring ? { date: first, name, recurring } : { date: first, name })
      }
      event = undefined
      continue
    }
    if (event === undefined) continue
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const [key = '', ...params] = line.slice(0, colon).split(';')
    const name = key.toUpperCase()
    event[name] = line.slice(colon + 1)
    if (params.length > 0) event[`${name}_PARAMS`] = params.join(';')
  }
  return { holidays, problems }
}
