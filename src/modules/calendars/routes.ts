import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuerySchema, PageOf } from '../../http/schemas.js'
import { CalendarSchema, CreateCalendarSchema, ImportHolidaysResultSchema, UpdateCalendarSchema } from './schema.js'

const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { calendars } = app.services
  const tags = ['calendars']
  const params = IdParams('calendarId')
  // iCalendar files arrive as text/calendar; keep them as one string.
  app.addContentTypeParser('text/calendar', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })

  app.post('/', { schema: { tags, summary: 'Create a business calendar (admin)', body: CreateCalendarSchema, response: { 201: Type.Ref(CalendarSchema), ...errorResponses } } },
    async (request, reply) => {
      const calendar = await calendars.create(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/calendars/${calendar.id}`)
      return calendar
    })
  app.get('/', { schema: { tags, summary: 'List calendars (agents)', querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(CalendarSchema), 'Calendar'), ...errorResponses } } },
    async (request, reply) => withNextLink(request, reply, await calendars.list(principalOf(request), request.query.limit ?? 50, request.query.cursor)))
  app.get('/:calendarId', { schema: { tags, summary: 'Read a calendar (agents)', params, response: { 200: Type.Ref(CalendarSchema), ...errorResponses } } },
    async (request) => calendars.get(principalOf(request), request.params.calendarId))
  app.patch('/:calendarId', { schema: { tags, summary: 'Change a calendar (admin); a holidays list replaces the old one', params, body: UpdateCalendarSchema, response: { 200: Type.Ref(CalendarSchema), ...errorResponses } } },
    async (request) => calendars.update(principalOf(request), request.params.calendarId, request.body))
  app.post('/:calendarId/holidays/import', {
    schema: {
      tags,
      summary: 'Add the holidays of an iCalendar (text/calendar) file (admin)',
      params,
      body: Type.String({ minLength: 1, description: 'An iCalendar file: each VEVENT is a holiday; RRULE:FREQ=YEARLY makes it recurring' }),
      consumes: ['text/calendar'],
      response: { 200: ImportHolidaysResultSchema, ...errorResponses }
    }
  }, async (request) => calendars.importHolidays(principalOf(request), request.params.calendarId, request.body))
}
export default calendarRoutes
