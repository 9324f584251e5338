import type { Db } from '../../db/client.js'
import { findDesk } from '../desks/repository.js'
import { findServiceById } from '../catalog/repository.js'
import { findOrganizationById, findUserById } from '../users/repository.js'
import type { CalendarSource } from './policy.js'

/**
 * The calendar a policy's clock counts in, for one ticket: the policy's own; the ticket desk's
 * (none: around the clock); or the support hours of the ticket's service (falling back to the
 * policy's calendar when the ticket has no service or the service no support hours); or the
 * business hours of the requester's organisation (likewise falling back to the policy's).
 */
export async function calendarRefFor (
  tx: Db,
  policy: { calendarSource: CalendarSource, calendarId: string | null },
  ticket: { deskId: string, serviceId?: string | null | undefined, requesterId?: string | undefined, organizationId?: string | null | undefined }
): Promise<string | null> {
  switch (policy.calendarSource) {
    case 'desk': return (await findDesk(tx, ticket.deskId))?.calendarId ?? null
    case 'service': {
      const service = ticket.serviceId == null ? undefined : await findServiceById(tx, ticket.serviceId)
      return service?.supportCalendarId ?? policy.calendarId
    }
    case 'organization': {
      const organizationId = ticket.organizationId !== undefined ? ticket.organizationId : ticket.requesterId === undefined ? null : (await findUserById(tx, ticket.requesterId))?.organizationId ?? null
      const organization = organizationId == null ? undefined : await findOrganizationById(tx, organizationId)
      return organization?.calendarId ?? policy.calendarId
    }
    default: return policy.calendarId
  }
}
