import type { TestApp } from './helper.js'
import { tokenFor } from './helper.js'
import type { Person } from './world.js'
import type { Principal } from '../src/shared/principal.js'
import type { FulfilmentPlan } from '../src/modules/fulfilment/schema.js'
import type { Ticket } from '../src/modules/tickets/schema.js'

/** A user who exists once they asked /v1/me. */
export async function someone (h: TestApp, sub: string, roles: string[] = ['requester']): Promise<Person> {
  const token = await tokenFor({ sub, roles })
  const res = await h.request(token, { method: 'GET', url: '/v1/me' })
  if (res.statusCode !== 200) throw new Error(`me for ${sub}: ${res.statusCode} ${res.body}`)
  return { token, id: res.json().id }
}

/** The principal a requester's token resolves to, for calling services directly. */
export const requesterPrincipal = (userId: string): Principal => ({
  userId, sub: userId, email: null, name: null, roles: ['requester'], role: 'requester', deskIds: [], teamIds: [], organizationId: null, department: null, location: null, apiKeyId: null
})

/**
 * Opens a service request as `requester` and starts `plan` on it in one transaction, as the
 * catalogue's ticket creation will; returns the ticket as it stands after.
 */
export async function requestWithPlan (h: TestApp, requester: Person, plan: FulfilmentPlan, body: Record<string, unknown> = {}) {
  const created = await h.request(requester.token, { method: 'POST', url: '/v1/tickets', payload: { type: 'service_request', title: 'New laptop', deskId: 'HR', ...body } })
  if (created.statusCode !== 201) throw new Error(`create: ${created.statusCode} ${created.body}`)
  const ticket = created.json() as Ticket
  const { db } = h.app.database
  await db.transaction(async (tx) => h.app.services.fulfilment.start(tx, ticket, plan, requesterPrincipal(requester.id), new Date()))
  return (await h.request(requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json() as Ticket
}

export async function eventTypes (h: TestApp, as: string, ticketId: string): Promise<string[]> {
  const res = await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/events?limit=200` })
  return res.json().data.map((e: { type: string }) => e.type)
}

export async function statusChanges (h: TestApp, as: string, ticketId: string): Promise<Array<{ status: string, reason?: string }>> {
  const res = await h.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/events?limit=200` })
  return res.json().data.filter((e: { type: string }) => e.type === 'ticket.status_changed').map((e: { after: { status: string, reason?: string } }) => ({ status: e.after.status, reason: e.after.reason }))
}
