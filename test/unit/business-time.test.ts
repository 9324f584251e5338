import t from 'tap'
import fc from 'fast-check'
import {
  addBusinessMs, businessMsBetween, compileCalendar, explainSpans, NoWorkingTimeError, stretchAt, type CompiledCalendar, type PauseSpan
} from '../../src/modules/sla/business-time.js'
import { validateCalendar, WEEKDAYS, type CalendarDefinition, type Holiday, type Weekday } from '../../src/modules/sla/calendar.js'
import { ValidationError } from '../../src/shared/errors.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const at = (iso: string): number => {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new Error(`bad instant in test: ${iso}`)
  return ms
}
const show = (ms: number | null): string => ms === null ? 'null' : new Date(ms).toISOString()
const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri']
const hours = (from: string, to: string, days: readonly Weekday[] = WEEKDAYS) => days.map(day => ({ day, from, to }))
const holiday = (date: string, recurring = false): Holiday => ({ date, name: `Holiday ${date}`, recurring })
const dates = (from: string, count: number) => Array.from({ length: count }, (_, i) => new Date(at(`${from}T00:00Z`) + i * DAY).toISOString().slice(0, 10))

const definitions = {
  berlin9to5: {
    timeZone: 'Europe/Berlin',
    workingHours: hours('09:00', '17:00', WORKDAYS),
    holidays: [...['2025-12-24', '2025-12-31'].map(d => holiday(d)), ...['2025-12-25', '2025-12-26', '2025-01-01', '2024-05-01', '2024-02-29'].map(d => holiday(d, true))]
  },
  berlinYearEnd: { timeZone: 'Europe/Berlin', workingHours: hours('09:00', '17:00', WORKDAYS), holidays: dates('2025-12-24', 9).map(d => holiday(d)) },
  berlinAllDay: { timeZone: 'Europe/Berlin', workingHours: [], holidays: [] },
  berlinNight: { timeZone: 'Europe/Berlin', workingHours: hours('01:00', '04:00'), holidays: [] },
  berlinGapStart: { timeZone: 'Europe/Berlin', workingHours: hours('02:30', '05:00'), holidays: [] },
  berlinThuNightFriHoliday: { timeZone: 'Europe/Berlin', workingHours: hours('22:00', '06:00', ['thu']), holidays: [holiday('2025-12-26')] },
  berlinThuNightThuHoliday: { timeZone: 'Europe/Berlin', workingHours: hours('22:00', '06:00', ['thu']), holidays: [holiday('2025-12-25')] },
  berlinOverlapping: { timeZone: 'Europe/Berlin', workingHours: [...hours('09:00', '12:00', ['mon']), ...hours('11:00', '14:00', ['mon']), ...hours('14:00', '15:00', ['mon'])], holidays: [] },
  newYork9to5: { timeZone: 'America/New_York', workingHours: hours('09:00', '17:00', WORKDAYS), holidays: [] },
  newYorkSundays: { timeZone: 'America/New_York', workingHours: hours('00:00', '24:00', ['sun']), holidays: [] },
  newYorkSatNight: { timeZone: 'America/New_York', workingHours: hours('22:00', '06:00', ['sat']), holidays: [] },
  newYorkSplit: {
    timeZone: 'America/New_York',
    workingHours: [...hours('08:00', '12:00', WORKDAYS), ...hours('13:00', '17:30', WORKDAYS), ...hours('22:00', '06:00', ['sat'])],
    holidays: [holiday('2025-07-04', true), holiday('2025-11-27')]
  },
  lordHoweAllDay: { timeZone: 'Australia/Lord_Howe', workingHours: [], holidays: [] },
  lordHowe1to3: { timeZone: 'Australia/Lord_Howe', workingHours: hours('01:00', '03:00'), holidays: [] },
  lordHoweGapStart: { timeZone: 'Australia/Lord_Howe', workingHours: hours('02:15', '04:00'), holidays: [] },
  lordHoweShifts: { timeZone: 'Australia/Lord_Howe', workingHours: [...hours('07:30', '15:45', WORKDAYS), ...hours('20:00', '04:00', ['sun'])], holidays: [holiday('2025-01-26', true)] },
  utcAllDay: { timeZone: 'UTC', workingHours: [], holidays: [] }
} satisfies Record<string, CalendarDefinition>
type CalendarName = keyof typeof definitions
const calendars = Object.fromEntries(Object.entries(definitions).map(([name, def]) => [name, compileCalendar(def)])) as Record<CalendarName, CompiledCalendar>

// Hand-computed: each comment says why. Berlin: CET +01:00 / CEST +02:00, changes 2025-03-30 02:00→03:00
// and 2025-10-26 03:00→02:00. New York: 2025-03-09 02:00→03:00, 2025-11-02 02:00→01:00. Lord Howe:
// +10:30 / +11:00, 2025-04-06 02:00→01:30 and 2025-10-05 02:00→02:30.
const additions: Array<[CalendarName, string, number, string, string]> = [
  ['berlin9to5', '2025-06-02T16:50+02:00', 15 * MINUTE, '2025-06-03T09:05+02:00', '15 minutes spill from Monday evening into Tuesday morning'],
  ['berlin9to5', '2025-06-02T09:00+02:00', 40 * HOUR, '2025-06-06T17:00+02:00', 'five days end at Friday 17:00, the end of a span, not Monday 09:00'],
  ['berlin9to5', '2025-06-07T12:00+02:00', 0, '2025-06-09T09:00+02:00', 'a zero goal started on Saturday is due when work starts on Monday'],
  ['berlin9to5', '2025-06-03T10:00+02:00', 0, '2025-06-03T10:00+02:00', 'a zero goal started in working time is due at once'],
  ['berlin9to5', '2025-06-03T17:00+02:00', 0, '2025-06-04T09:00+02:00', 'a zero goal started at closing time is due next morning'],
  ['berlin9to5', '2025-12-23T16:00+01:00', 8 * HOUR, '2025-12-29T16:00+01:00', '1 h on Tuesday, Dec 24–26 are holidays, 7 h on Monday'],
  ['berlin9to5', '2025-12-23T16:00+01:00', 24 * HOUR, '2026-01-02T16:00+01:00', '1 + 8 (Dec 29) + 8 (Dec 30); Dec 31 and recurring Jan 1 off; 7 on Jan 2'],
  ['berlin9to5', '2026-04-30T16:30+02:00', HOUR, '2026-05-04T09:30+02:00', 'May 1, recurring since 2024, closes Friday 2026-05-01'],
  ['berlin9to5', '2028-02-28T16:00+01:00', 2 * HOUR, '2028-03-01T10:00+01:00', 'a recurring 29 February comes back in 2028'],
  ['berlin9to5', '2025-03-28T16:00+01:00', 2 * HOUR, '2025-03-31T10:00+02:00', 'Friday CET to Monday CEST across the spring change'],
  ['berlin9to5', '2025-01-01T00:00+01:00', 480 * HOUR, '2025-03-26T17:00+01:00', '60 business days: 22 in January (Jan 1 off), 20 in February, 18 in March'],
  ['berlin9to5', '2025-01-01T00:00+01:00', 560 * HOUR - 30 * MINUTE, '2025-04-09T16:30+02:00', '70 business days less 30 minutes, into summer time'],
  ['berlinYearEnd', '2025-12-23T17:00+01:00', MINUTE, '2026-01-02T09:01+01:00', 'a nine-day holiday run over the year end'],
  ['berlinAllDay', '2025-03-29T12:00+01:00', 24 * HOUR, '2025-03-30T13:00+02:00', '24/7: 24 h of real time over the spring change reads 13:00'],
  ['berlinAllDay', '2025-10-25T12:00+02:00', 24 * HOUR, '2025-10-26T11:00+01:00', '24/7: 24 h of real time over the autumn change reads 11:00'],
  ['berlinNight', '2025-03-30T00:00+01:00', 90 * MINUTE, '2025-03-30T03:30+02:00', '01:00 CET + 90 min of real time, across the gap'],
  ['berlinGapStart', '2025-03-30T00:00+01:00', 0, '2025-03-30T03:00+02:00', 'a start at 02:30, which does not exist, begins when the clocks jump'],
  ['berlinGapStart', '2025-03-30T00:00+01:00', HOUR, '2025-03-30T04:00+02:00', 'one hour after the jump'],
  ['berlinThuNightFriHoliday', '2025-12-25T00:00+01:00', 3 * HOUR, '2026-01-01T23:00+01:00', '22–24 on Thursday, Friday part removed, 1 h the next Thursday'],
  ['newYork9to5', '2025-03-07T16:00-05:00', 2 * HOUR, '2025-03-10T10:00-04:00', 'Friday EST to Monday EDT'],
  ['newYork9to5', '2025-10-31T16:00-04:00', 2 * HOUR, '2025-11-03T10:00-05:00', 'Friday EDT to Monday EST'],
  ['newYorkSundays', '2025-11-02T00:00-04:00', 24 * HOUR, '2025-11-02T23:00-05:00', 'the autumn Sunday has 25 hours'],
  ['newYorkSundays', '2025-03-09T00:00-05:00', 23 * HOUR, '2025-03-10T00:00-04:00', 'the spring Sunday has 23 hours; due at its end'],
  ['newYorkSundays', '2025-03-09T00:00-05:00', 23 * HOUR + MINUTE, '2025-03-16T00:01-04:00', 'one more minute waits a week'],
  ['newYorkSatNight', '2025-11-01T12:00-04:00', 8 * HOUR, '2025-11-02T05:00-05:00', 'Saturday 22:00 EDT + 8 real hours, through the repeated hour'],
  ['lordHoweAllDay', '2025-10-04T12:00+10:30', 24 * HOUR, '2025-10-05T12:30+11:00', '24/7 over the half-hour spring change'],
  ['lordHoweGapStart', '2025-10-05T00:00+10:30', 0, '2025-10-05T02:30+11:00', 'a start at 02:15 falls in the half-hour gap: begins at the jump'],
  ['lordHoweGapStart', '2025-10-05T00:00+10:30', 30 * MINUTE, '2025-10-05T03:00+11:00', 'thirty minutes after the jump'],
  ['utcAllDay', '2025-01-15T10:20:30.456Z', 90 * DAY, '2025-04-15T10:20:30.456Z', '24/7 in UTC: business time is real time, to the millisecond']
]

const counts: Array<[CalendarName, string, string, number, string]> = [
  ['berlinAllDay', '2025-03-30T00:00+01:00', '2025-03-31T00:00+02:00', 23 * HOUR, 'the Berlin spring day has 23 hours'],
  ['berlinAllDay', '2025-10-26T00:00+02:00', '2025-10-27T00:00+01:00', 25 * HOUR, 'the Berlin autumn day has 25 hours'],
  ['berlinNight', '2025-03-30T00:00+01:00', '2025-03-30T12:00+02:00', 2 * HOUR, '01:00 CET–04:00 CEST is 2 real hours'],
  ['berlinNight', '2025-10-26T00:00+02:00', '2025-10-26T12:00+01:00', 4 * HOUR, '01:00 CEST–04:00 CET is 4 real hours'],
  ['berlinGapStart', '2025-10-26T00:00+02:00', '2025-10-27T00:00+01:00', 3.5 * HOUR, '02:30 exists twice and counts from its first occurrence'],
  ['berlinThuNightFriHoliday', '2025-12-25T00:00+01:00', '2025-12-27T00:00+01:00', 2 * HOUR, 'a holiday removes the after-midnight part of the night before'],
  ['berlinThuNightThuHoliday', '2025-12-25T00:00+01:00', '2025-12-27T00:00+01:00', 6 * HOUR, 'a holiday keeps the after-midnight part on the next day'],
  ['berlinOverlapping', '2025-06-02T00:00+02:00', '2025-06-03T00:00+02:00', 6 * HOUR, 'overlapping and touching intervals merge into 09:00–15:00'],
  ['berlinYearEnd', '2025-12-23T17:00+01:00', '2026-01-02T09:01+01:00', MINUTE, 'nothing is counted over the holiday run'],
  ['newYork9to5', '2025-03-07T16:00-05:00', '2025-03-10T10:00-04:00', 2 * HOUR, 'two business hours in 65 real hours'],
  ['newYorkSatNight', '2025-11-01T00:00-04:00', '2025-11-03T00:00-05:00', 9 * HOUR, '22:00 EDT–06:00 EST is 9 hours'],
  ['newYorkSatNight', '2025-03-08T00:00-05:00', '2025-03-10T00:00-04:00', 7 * HOUR, '22:00 EST–06:00 EDT is 7 hours'],
  ['lordHoweAllDay', '2025-10-05T00:00+10:30', '2025-10-06T00:00+11:00', 23.5 * HOUR, 'the Lord Howe spring day has 23.5 hours'],
  ['lordHoweAllDay', '2025-04-06T00:00+11:00', '2025-04-07T00:00+10:30', 24.5 * HOUR, 'the Lord Howe autumn day has 24.5 hours'],
  ['lordHowe1to3', '2025-10-05T00:00+10:30', '2025-10-06T00:00+11:00', 1.5 * HOUR, '01:00–03:00 loses the half-hour gap'],
  ['lordHowe1to3', '2025-04-06T00:00+11:00', '2025-04-07T00:00+10:30', 2.5 * HOUR, '01:00–03:00 gains the repeated half hour'],
  ['berlin9to5', '2025-06-03T12:00+02:00', '2025-06-03T11:00+02:00', 0, 'an end before the start counts nothing']
]

t.test('hand-computed due instants', async (t) => {
  for (const [name, start, duration, due, why] of additions) {
    t.equal(show(addBusinessMs(calendars[name], at(start), duration)), show(at(due)), `${name}: ${why}`)
  }
})

t.test('hand-computed business time between two instants', async (t) => {
  for (const [name, from, to, expected, why] of counts) {
    t.equal(businessMsBetween(calendars[name], at(from), at(to)), expected, `${name}: ${why}`)
  }
})

t.test('pauses move the due instant by their business part only', async (t) => {
  const c = calendars.berlin9to5
  const start = at('2025-06-02T09:00+02:00')
  const pause = (from: string, to: string | null): PauseSpan[] => [{ from: at(from), to: to === null ? null : at(to) }]
  t.equal(show(addBusinessMs(c, start, 8 * HOUR, pause('2025-06-02T10:00+02:00', '2025-06-02T11:30+02:00'))), show(at('2025-06-03T10:30+02:00')))
  t.equal(addBusinessMs(c, start, 8 * HOUR, pause('2025-06-02T12:00+02:00', null)), null, 'an open pause before the goal leaves no due instant')
  t.equal(show(addBusinessMs(c, start, 8 * HOUR, pause('2025-06-02T18:00+02:00', null))), show(at('2025-06-02T17:00+02:00')), 'an open pause after the goal changes nothing')
  t.equal(show(addBusinessMs(c, at('2025-06-06T16:00+02:00'), 2 * HOUR, pause('2025-06-06T17:00+02:00', '2025-06-09T09:00+02:00'))), show(at('2025-06-09T10:00+02:00')), 'a weekend pause costs nothing')
  t.equal(businessMsBetween(c, start, at('2025-06-02T17:00+02:00'), pause('2025-06-02T16:00+02:00', null)), 7 * HOUR, 'an open pause runs to the end of the count')
})

t.test('explain names every span between two instants', async (t) => {
  const rows = (name: CalendarName, from: string, to: string, pauses?: PauseSpan[]) =>
    explainSpans(calendars[name], at(from), at(to), pauses).map(s => [show(s.from), show(s.to), s.reason, s.counted])
  const row = (from: string, to: string, reason: string) => [show(at(from)), show(at(to)), reason, reason === 'working']
  t.same(rows('berlin9to5', '2025-06-06T16:00+02:00', '2025-06-09T10:00+02:00', [{ from: at('2025-06-06T16:30+02:00'), to: at('2025-06-09T09:30+02:00') }]), [
    row('2025-06-06T16:00+02:00', '2025-06-06T16:30+02:00', 'working'), row('2025-06-06T16:30+02:00', '2025-06-06T17:00+02:00', 'pause'),
    row('2025-06-06T17:00+02:00', '2025-06-09T09:00+02:00', 'outside_calendar'), row('2025-06-09T09:00+02:00', '2025-06-09T09:30+02:00', 'pause'),
    row('2025-06-09T09:30+02:00', '2025-06-09T10:00+02:00', 'working')
  ], 'a pause over a weekend is reported as the calendar, so pause spans are what the pause cost')
  t.same(rows('berlin9to5', '2025-12-23T16:00+01:00', '2025-12-29T10:00+01:00'), [
    row('2025-12-23T16:00+01:00', '2025-12-23T17:00+01:00', 'working'), row('2025-12-23T17:00+01:00', '2025-12-24T00:00+01:00', 'outside_calendar'),
    row('2025-12-24T00:00+01:00', '2025-12-27T00:00+01:00', 'holiday'), row('2025-12-27T00:00+01:00', '2025-12-29T09:00+01:00', 'outside_calendar'),
    row('2025-12-29T09:00+01:00', '2025-12-29T10:00+01:00', 'working')
  ], 'holidays cover their whole local dates')
  t.same(rows('utcAllDay', '2025-01-01T00:00Z', '2025-03-01T00:00Z'), [row('2025-01-01T00:00Z', '2025-03-01T00:00Z', 'working')], 'a 24/7 calendar is one span')
  t.same(explainSpans(calendars.utcAllDay, 5, 5), [], 'an empty range has no spans')
})

t.test('validateCalendar reports each problem at its JSON Pointer', async (t) => {
  const valid: CalendarDefinition = { timeZone: 'Europe/Berlin', workingHours: hours('09:00', '17:00', WORKDAYS), holidays: [holiday('2024-02-29', true)] }
  t.same(validateCalendar(valid), [])
  t.same(validateCalendar({ timeZone: 'UTC', workingHours: [...hours('00:00', '24:00', ['mon']), ...hours('22:00', '00:00', ['tue'])], holidays: [] }), [])
  const paths = (def: unknown) => validateCalendar(def as CalendarDefinition).map(i => i.path)
  t.same(paths({ ...valid, timeZone: 'Mars/Olympus_Mons' }), ['/timeZone'])
  t.same(paths({ ...valid, timeZone: '+01:00' }), ['/timeZone'], 'offsets are not IANA zones')
  t.same(paths({
    ...valid,
    workingHours: [{ day: 'mon', from: '25:00', to: '9:00' }, { day: 'monday', from: '09:00', to: '24:30' }, { day: 'tue', from: '09:00', to: '09:00' }, { day: 'wed', from: '24:00', to: '10:00' }]
  }), ['/workingHours/0/from', '/workingHours/0/to', '/workingHours/1/day', '/workingHours/1/to', '/workingHours/2', '/workingHours/3/from'])
  t.same(paths({ ...valid, holidays: [holiday('2025-02-29'), { date: '2025-13-01', name: '' }, { date: '25-12-24', name: 'x', recurring: 'yes' }] }),
    ['/holidays/0/date', '/holidays/1/date', '/holidays/1/name', '/holidays/2/date', '/holidays/2/recurring'])
  t.same(paths({ timeZone: 'UTC' }), ['/workingHours', '/holidays'])
  t.same(paths(null), [''])
  t.throws(() => compileCalendar({ ...valid, timeZone: 'Nowhere/Else' }), ValidationError)
})

t.test('bad inputs are refused clearly', async (t) => {
  const everyDayOff = compileCalendar({ timeZone: 'UTC', workingHours: [], holidays: dates('2024-01-01', 366).map(d => holiday(d, true)) })
  t.throws(() => addBusinessMs(everyDayOff, at('2025-01-01T00:00Z'), HOUR), NoWorkingTimeError, 'a calendar with no working time fails instead of looping')
  t.equal(businessMsBetween(everyDayOff, at('2025-01-01T00:00Z'), at('2026-01-01T00:00Z')), 0)
  t.throws(() => addBusinessMs(calendars.utcAllDay, 0, -1), RangeError)
  t.throws(() => addBusinessMs(calendars.utcAllDay, Number.NaN, 1), RangeError)
  t.throws(() => businessMsBetween(calendars.utcAllDay, 0, Infinity), RangeError)
  t.throws(() => addBusinessMs(calendars.utcAllDay, 0, 1, [{ from: 10, to: 5 }]), RangeError)
})

// Property tests. Instants cluster around the DST changes as well as spreading over four years.
const changes = ['2025-03-30T01:00Z', '2025-10-26T01:00Z', '2025-03-09T07:00Z', '2025-11-02T06:00Z', '2025-04-05T15:00Z', '2025-10-04T15:30Z', '2025-12-24T00:00Z'].map(at)
const instant = fc.oneof(
  fc.integer({ min: at('2024-01-01T00:00Z'), max: at('2028-01-01T00:00Z') }),
  fc.constantFrom(...changes).chain(c => fc.integer({ min: c - 3 * DAY, max: c + 3 * DAY }))
)
const duration = fc.oneof(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: 120 * DAY }))
const calendarName = fc.constantFrom(...(Object.keys(calendars) as CalendarName[]))
const pausesFrom = (start: number, canBeOpen: boolean) => fc.array(fc.record({
  offset: fc.integer({ min: -2 * DAY, max: 20 * DAY }), length: fc.integer({ min: 0, max: 5 * DAY }), open: canBeOpen ? fc.boolean() : fc.constant(false)
}), { maxLength: 4 }).map(list => list.map(({ offset, length, open }): PauseSpan => ({ from: start + offset, to: open ? null : start + offset + length })))
const scenario = (canBeOpen: boolean) => fc.tuple(calendarName, instant, duration)
  .chain(([name, start, goal]) => fc.tuple(fc.constant(name), fc.constant(start), fc.constant(goal), pausesFrom(start, canBeOpen)))
const finite = (ms: number | null) => ms ?? Infinity

t.test('adding then counting returns the same duration, with and without pauses', async (t) => {
  fc.assert(fc.property(scenario(false), ([name, start, goal, pauses]) => {
    const c = calendars[name]
    return businessMsBetween(c, start, addBusinessMs(c, start, goal)) === goal &&
      businessMsBetween(c, start, addBusinessMs(c, start, goal, pauses)!, pauses) === goal
  }))
  t.pass('property held')
})

t.test('the due instant is inside working time, or ends a working span', async (t) => {
  fc.assert(fc.property(scenario(true), ([name, start, goal, pauses]) => {
    const due = addBusinessMs(calendars[name], start, goal, pauses)
    if (due === null) return pauses.some(p => p.to === null)
    const around = goal > 0 ? explainSpans(calendars[name], due - 1, due, pauses) : explainSpans(calendars[name], due, due + 1, pauses)
    return due >= start && around.length === 1 && around[0]!.counted
  }))
  t.pass('property held')
})

t.test('the due instant is monotonic in the goal, and pauses only move it later', async (t) => {
  fc.assert(fc.property(scenario(true), duration, ([name, start, goal, pauses], other) => {
    const c = calendars[name]
    const [small, large] = goal <= other ? [goal, other] : [other, goal]
    return addBusinessMs(c, start, small) <= addBusinessMs(c, start, large) &&
      finite(addBusinessMs(c, start, small, pauses)) <= finite(addBusinessMs(c, start, large, pauses)) &&
      finite(addBusinessMs(c, start, goal, pauses)) >= addBusinessMs(c, start, goal)
  }))
  t.pass('property held')
})

t.test('explain covers the range exactly and its counted spans are businessMsBetween', async (t) => {
  fc.assert(fc.property(scenario(true), ([name, start, length, pauses]) => {
    const c = calendars[name]
    const end = start + length
    const spans = explainSpans(c, start, end, pauses)
    const sum = (reason: string) => spans.filter(s => s.reason === reason).reduce((total, s) => total + s.to - s.from, 0)
    const isTiling = spans.every((s, i) => s.from < s.to && s.counted === (s.reason === 'working') &&
      (i === 0 ? s.from === start : s.from === spans[i - 1]!.to && s.reason !== spans[i - 1]!.reason))
    return isTiling && (length === 0 ? spans.length === 0 : spans.at(-1)!.to === end) &&
      sum('working') === businessMsBetween(c, start, end, pauses) &&
      sum('pause') === businessMsBetween(c, start, end) - businessMsBetween(c, start, end, pauses)
  }), { numRuns: 60 })
  t.pass('property held')
})

t.test('holidays and out-of-hours spans are never counted, and counts add up', async (t) => {
  fc.assert(fc.property(calendarName, instant, duration, duration, (name, a, first, second) => {
    const c = calendars[name]
    const uncounted = explainSpans(c, a, a + first).filter(s => !s.counted)
    return uncounted.every(s => businessMsBetween(c, s.from, s.to) === 0) &&
      businessMsBetween(c, a, a + first + second) === businessMsBetween(c, a, a + first) + businessMsBetween(c, a + first, a + first + second)
  }), { numRuns: 60 })
  t.pass('property held')
})

t.test('the stretch holding an instant has one working state throughout, and explain agrees', async (t) => {
  fc.assert(fc.property(calendarName, instant, (name, a) => {
    const c = calendars[name]
    const { from, to, working } = stretchAt(c, a)
    const counted = explainSpans(c, from, to).filter(s => s.counted)
    return from <= a && a < to &&
      businessMsBetween(c, from, to) === (working ? to - from : 0) &&
      counted.length === (working ? 1 : 0) &&
      [from, a, to - 1].every(u => businessMsBetween(c, u, u + 1) === (working ? 1 : 0)) &&
      // Where it ends the state changes, or a local day ends: the next stretch starts there.
      stretchAt(c, to).from === to
  }))
  t.same(stretchAt(calendars.berlin9to5, at('2025-06-02T12:00+02:00')), { from: at('2025-06-02T09:00+02:00'), to: at('2025-06-02T17:00+02:00'), working: true })
  t.same(stretchAt(calendars.berlin9to5, at('2025-06-02T17:00+02:00')), { from: at('2025-06-02T17:00+02:00'), to: at('2025-06-03T00:00+02:00'), working: false }, 'a span ends where the gap after it begins')
  t.throws(() => stretchAt(calendars.berlin9to5, NaN), RangeError)
})

// An independent, slow oracle: asks Intl for the wall clock of every minute. Its calendars keep
// boundaries out of the DST hours, where "first occurrence" and "set of instants" would differ.
const wallClock = new Map<string, Intl.DateTimeFormat>()
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))
function classify (def: CalendarDefinition, instantMs: number): 'working' | 'holiday' | 'outside_calendar' {
  const format = wallClock.get(def.timeZone) ?? new Intl.DateTimeFormat('en-CA', { timeZone: def.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
  wallClock.set(def.timeZone, format)
  const p = Object.fromEntries(format.formatToParts(instantMs).map(x => [x.type, x.value]))
  const date = `${p.year}-${p.month}-${p.day}`
  if (def.holidays.some(h => h.date === date || (h.recurring === true && h.date.slice(5) === date.slice(5)))) return 'holiday'
  const weekday = (new Date(`${date}T00:00Z`).getUTCDay() + 6) % 7
  const minute = Number(p.hour) * 60 + Number(p.minute)
  const isWorking = def.workingHours.length === 0 || def.workingHours.some(({ day, from, to }) => {
    const d = WEEKDAYS.indexOf(day)
    if (toMinutes(to) > toMinutes(from)) return d === weekday && minute >= toMinutes(from) && minute < toMinutes(to)
    return (d === weekday && minute >= toMinutes(from)) || ((d + 1) % 7 === weekday && minute < toMinutes(to))
  })
  return isWorking ? 'working' : 'outside_calendar'
}
const oracleCalendar = fc.constantFrom('berlin9to5', 'newYorkSplit', 'lordHoweShifts', 'berlinThuNightFriHoliday', 'newYorkSatNight', 'utcAllDay') satisfies fc.Arbitrary<CalendarName>

t.test('due instants agree with a minute-by-minute oracle in Berlin, New York and Lord Howe', async (t) => {
  fc.assert(fc.property(oracleCalendar, instant, fc.integer({ min: 0, max: 3 * 8 * 60 }), (name, start, minutes) => {
    const from = Math.ceil(start / MINUTE) * MINUTE
    let cursor = from
    for (let counted = 0; ; cursor += MINUTE) {
      if (classify(definitions[name], cursor) !== 'working') continue
      if (counted === minutes) break
      if (++counted === minutes) { cursor += MINUTE; break }
    }
    return addBusinessMs(calendars[name], from, minutes * MINUTE) === cursor
  }), { numRuns: 40 })
  t.pass('property held')
})

t.test('every explained span has the reason the oracle gives at both its ends', async (t) => {
  fc.assert(fc.property(oracleCalendar, instant, fc.integer({ min: 0, max: 20 * DAY }), (name, start, length) =>
    explainSpans(calendars[name], start, start + length).every(s =>
      classify(definitions[name], s.from) === s.reason && classify(definitions[name], s.to - 1) === s.reason)
  ), { numRuns: 100 })
  t.pass('property held')
})
