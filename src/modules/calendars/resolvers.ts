import type { IResolvers } from 'mercurius'
import { actorOf, MAX_FIRST, toConnection, withoutNullsDeep, type GraphQLContext } from '../../graphql/context.js'
import type { Holiday } from '../sla/calendar.js'
import type { CreateCalendar, UpdateCalendar } from './schema.js'

const given = withoutNullsDeep

export const calendarResolvers: IResolvers<any, GraphQLContext> = {
  Query: {
    calendars: async (_root, args: { first?: number, after?: string }, ctx) =>
      toConnection(await ctx.services.calendars.list(actorOf(ctx), Math.min(Math.max(args.first ?? 50, 1), MAX_FIRST), args.after ?? undefined)),
    calendar: async (_root, { id }: { id: string }, ctx) => {
      try { return await ctx.services.calendars.get(actorOf(ctx), id) } catch (err) {
        if ((err as { code?: string }).code === 'NOT_FOUND') return null
        throw err
      }
    }
  },
  Mutation: {
    createCalendar: async (_root, { input }: { input: CreateCalendar }, ctx) => ctx.services.calendars.create(actorOf(ctx), given(input)),
    updateCalendar: async (_root, { id, input }: { id: string, input: UpdateCalendar }, ctx) => ctx.services.calendars.update(actorOf(ctx), id, given(input)),
    importCalendarHolidays: async (_root, { id, ics }: { id: string, ics: string }, ctx) => (await ctx.services.calendars.importHolidays(actorOf(ctx), id, ics)).calendar
  },
  Holiday: {
    recurring: (holiday: Holiday) => holiday.recurring === true
  },
  Desk: {
    calendar: async (desk: { calendarId: string | null }, _args, ctx) => {
      if (desk.calendarId === null) return null
      try { return await ctx.services.calendars.get(actorOf(ctx), desk.calendarId) } catch (err) {
        if ((err as { code?: string }).code === 'FORBIDDEN') return null
        throw err
      }
    }
  }
}
