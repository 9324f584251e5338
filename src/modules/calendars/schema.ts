import { Type, type Static } from '@sinclair/typebox'
import { StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { WEEKDAYS } from '../sla/calendar.js'

export const WorkingIntervalSchema = Type.Object({
  day: StringEnum(WEEKDAYS),
  from: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'Local HH:MM' }),
  to: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'Local HH:MM, up to 24:00; earlier than from means the interval crosses midnight' })
}, { additionalProperties: false })

export const HolidaySchema = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  recurring: Type.Optional(Type.Boolean({ description: 'Every year on this month and day' }))
}, { additionalProperties: false })

export const CalendarSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  timeZone: Type.String({ description: 'IANA time zone' }),
  workingHours: Type.Array(WorkingIntervalSchema, { description: 'Empty: open around the clock' }),
  holidays: Type.Array(HolidaySchema),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Timestamp,
  updatedAt: Timestamp
}, { $id: 'Calendar' })
export type Calendar = Static<typeof CalendarSchema>

export const CreateCalendarSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  timeZone: Type.String({ minLength: 1, maxLength: 100 }),
  workingHours: Type.Optional(Type.Array(WorkingIntervalSchema, { maxItems: 100 })),
  holidays: Type.Optional(Type.Array(HolidaySchema, { maxItems: 2000 }))
}, { additionalProperties: false })
export type CreateCalendar = Static<typeof CreateCalendarSchema>

export const UpdateCalendarSchema = Type.Partial(CreateCalendarSchema, { additionalProperties: false, minProperties: 1 })
export type UpdateCalendar = Static<typeof UpdateCalendarSchema>

export const ImportHolidaysResultSchema = Type.Object({
  calendar: Type.Ref(CalendarSchema),
  imported: Type.Integer({ description: 'Holidays added (dates already present are kept once)' }),
  skipped: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))
})
