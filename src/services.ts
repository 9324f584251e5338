import type { Db } from './db/client.js'
import type { Clock } from './shared/clock.js'
import { createApiKeyService } from './modules/api-keys/service.js'
import { createAttachmentService } from './modules/attachments/service.js'
import { createCalendarService } from './modules/calendars/service.js'
import { createDeskService } from './modules/desks/service.js'
import { createConversationService } from './modules/tickets/conversation.js'
import { createTicketService } from './modules/tickets/service.js'
import { createUserService } from './modules/users/service.js'
import { createSlaService } from './modules/sla/service.js'
import { createCalendarCache } from './modules/sla/calendar-cache.js'
import { createClockService } from './modules/sla/clocks.js'
import { createCatalogService } from './modules/catalog/service.js'
import { createSlaRecalculation } from './modules/sla/recalculate.js'
import { createComplianceReport } from './modules/sla/compliance.js'
import { createWorkflowStore } from './modules/workflows/store.js'
import { createFulfilmentService } from './modules/fulfilment/service.js'

/** The one service layer both REST and GraphQL call. */
export function createServices ({ db, clock }: { db: Db, clock: Clock }) {
  const workflows = createWorkflowStore()
  const users = createUserService({ db, clock })
  const calendars = createCalendarService({ db, clock })
  const desks = createDeskService({ db, clock, calendars, onMembershipChange: () => users.invalidate() })
  const catalog = createCatalogService({ db, clock, calendars })
  // Fulfilment is built on tickets, and ticket creation starts a catalogue request's fulfilment.
  const tickets = createTicketService({ db, clock, workflows, catalog, startFulfilment: async (...args) => fulfilment.start(...args) })
  const conversation = createConversationService({ db, clock, tickets, workflows })
  const attachments = createAttachmentService({ db, clock, tickets })
  const apiKeys = createApiKeyService({ db, clock })
  const slaCalendars = createCalendarCache()
  const sla = createSlaService({ db, clock, calendars: slaCalendars })
  const clocks = createClockService({ db, clock, calendars: slaCalendars, tickets })
  const slaRecalculation = createSlaRecalculation({ db, clock, calendars: slaCalendars })
  const slaReports = createComplianceReport({ db })
  tickets.observe(clocks.onTicketChange)
  const fulfilment = createFulfilmentService({ db, clock, tickets, workflows })
  return { users, calendars, desks, catalog, tickets, conversation, attachments, apiKeys, sla, clocks, slaRecalculation, slaReports, workflows, fulfilment }
}
export type Services = ReturnType<typeof createServices>
