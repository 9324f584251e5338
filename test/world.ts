import type { TestApp } from './helper.js'
import { tokenFor } from './helper.js'

export interface Person { token: string, id: string }
export interface World {
  admin: Person
  /** Agent in the IT desk's Service Desk team. */
  agentIT: Person
  /** Agent in the HR desk's team only. */
  agentHR: Person
  requester: Person
  otherRequester: Person
  desks: { IT: string, HR: string }
  teams: { itServiceDesk: string, hrPeople: string }
}

async function person (t: TestApp, sub: string, roles: string[]): Promise<Person> {
  const token = await tokenFor({ sub, roles })
  const res = await t.request(token, { method: 'GET', url: '/v1/me' })
  if (res.statusCode !== 200) throw new Error(`me for ${sub}: ${res.statusCode} ${res.body}`)
  return { token, id: res.json().id }
}

async function post (t: TestApp, as: string, url: string, payload: object) {
  const res = await t.request(as, { method: 'POST', url, payload })
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Two desks, a team in each, one agent per desk, two requesters and an admin. */
export async function seedWorld (t: TestApp): Promise<World> {
  const admin = await person(t, 'admin-1', ['admin'])
  const agentIT = await person(t, 'agent-it', ['agent'])
  const agentHR = await person(t, 'agent-hr', ['agent'])
  const requester = await person(t, 'req-1', ['requester'])
  const otherRequester = await person(t, 'req-2', ['requester'])
  const it = await post(t, admin.token, '/v1/desks', { key: 'IT', name: 'IT Service Desk' })
  const hr = await post(t, admin.token, '/v1/desks', { key: 'HR', name: 'People Services' })
  const itTeam = await post(t, admin.token, '/v1/teams', { name: 'Service Desk', deskId: 'IT' })
  const hrTeam = await post(t, admin.token, '/v1/teams', { name: 'People', deskId: 'HR' })
  await post(t, admin.token, `/v1/teams/${itTeam.id}/members`, { userId: agentIT.id })
  await post(t, admin.token, `/v1/teams/${hrTeam.id}/members`, { userId: agentHR.id })
  return { admin, agentIT, agentHR, requester, otherRequester, desks: { IT: it.id, HR: hr.id }, teams: { itServiceDesk: itTeam.id, hrPeople: hrTeam.id } }
}

/** Opens a ticket as `as` and returns its body. */
export async function openTicket (t: TestApp, as: string, body: Record<string, unknown> = {}) {
  return post(t, as, '/v1/tickets', { type: 'incident', title: 'VPN down', deskId: 'IT', ...body })
}
