import { isAdmin, worksDesk, type Principal } from '../../shared/principal.js'
import { isEligible, type Eligibility, type Person } from './eligibility.js'
import type { Lifecycle } from './lifecycle.js'

interface ServiceLike { deskId: string, lifecycle: string, eligibility: unknown }
interface ItemLike { isActive: boolean, eligibility: unknown }

const eligible = (rule: unknown, person: Person) => isEligible(rule as Eligibility, person)

/** Admins and the agents of a service's desk manage it in any lifecycle and see its rules. */
export const manages = (actor: Principal, service: { deskId: string }) => isAdmin(actor) || worksDesk(actor, service.deskId)

/** Everyone else sees a service only while it is live and they are eligible for it. */
export function seesService (actor: Principal, service: ServiceLike): boolean {
  return manages(actor, service) || (service.lifecycle === 'live' && eligible(service.eligibility, actor))
}

/** An item is seen where its service is, while it is active and the caller is eligible for it. */
export function seesItem (actor: Principal, item: ItemLike, service: ServiceLike): boolean {
  return manages(actor, service) || (seesService(actor, service) && item.isActive && eligible(item.eligibility, actor))
}

/** What may be requested: what the caller sees, never under a retired service. */
export function mayRequest (actor: Principal, item: ItemLike, service: ServiceLike): boolean {
  return (service.lifecycle as Lifecycle) !== 'retired' && seesItem(actor, item, service)
}
