import type { Principal } from '../../shared/principal.js'
import { isEligible, type Eligibility } from './eligibility.js'
import type { BrowseServiceEntry, Catalog } from './schema.js'
import { manages } from './visibility.js'

type OfferRows = {
  desks: Array<{ id: string, key: string, name: string }>
  services: Array<{ id: string, deskId: string, name: string, description: string | null, help: string | null, cost: unknown, categories: string[], eligibility: unknown }>
  items: Array<{ id: string, serviceId: string, name: string, description: string | null, kind: string, expectedDeliveryMinutes: number | null, eligibility: unknown }>
}

interface OfferItem { entry: BrowseServiceEntry['items'][number], eligibility: Eligibility, text: string }
interface OfferService { deskId: string, categories: string[], eligibility: Eligibility, entry: Omit<BrowseServiceEntry, 'items'>, text: string, items: OfferItem[] }

/** The live catalogue compiled once per revision; browsing filters it per caller without touching the database. */
export interface Offer {
  revision: string
  desks: OfferRows['desks']
  services: OfferService[]
}

export const GENERAL = 'General'

export function compileOffer (rows: OfferRows, revision: string): Offer {
  const itemsOf = new Map<string, OfferItem[]>()
  for (const item of rows.items) {
    const list = itemsOf.get(item.serviceId) ?? []
    list.push({
      entry: { id: item.id, name: item.name, description: item.description, kind: item.kind as 'incident' | 'service_request', expectedDeliveryMinutes: item.expectedDeliveryMinutes },
      eligibility: item.eligibility as Eligibility,
      text: `${item.name} ${item.description ?? ''}`.toLowerCase()
    })
    itemsOf.set(item.serviceId, list)
  }
  const services = rows.services.map(s => ({
    deskId: s.deskId,
    categories: s.categories.length === 0 ? [GENERAL] : s.categories,
    eligibility: s.eligibility as Eligibility,
    entry: { id: s.id, name: s.name, description: s.description, help: s.help, cost: s.cost as BrowseServiceEntry['cost'] },
    text: `${s.name} ${s.description ?? ''} ${s.categories.join(' ')}`.toLowerCase(),
    items: itemsOf.get(s.id) ?? []
  }))
  return { revision, desks: rows.desks, services }
}

/**
 * What `actor` may request, grouped desk → category → service → item. Text matches when every word
 * of `q` is in the service's name, description or categories, or in one of its items (then only
 * the matching items are listed). Services with nothing requestable are left out.
 */
export function browseOffer (offer: Offer, actor: Principal, query: { q?: string | undefined, deskId?: string | undefined }): Catalog {
  const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(w => w.length > 0)
  const matches = (text: string) => words.every(w => text.includes(w))
  const deskRef = query.deskId
  const wantedDesk = deskRef === undefined ? undefined : offer.desks.find(d => d.id === deskRef || d.key === deskRef.toUpperCase())?.id ?? ''
  const eligible = (rule: Eligibility, managed: boolean) => managed || isEligible(rule, actor)
  const byDesk = new Map<string, Map<string, BrowseServiceEntry[]>>()
  for (const service of offer.services) {
    if (wantedDesk !== undefined && service.deskId !== wantedDesk) continue
    const managed = manages(actor, service)
    if (!eligible(service.eligibility, managed)) continue
    const serviceMatches = matches(service.text)
    const items = service.items
      .filter(i => eligible(i.eligibility, managed) && (serviceMatches || matches(i.text)))
      .map(i => i.entry)
    if (items.length === 0) continue
    const categories = byDesk.get(service.deskId) ?? new Map<string, BrowseServiceEntry[]>()
    for (const category of service.categories) {
      const list = categories.get(category) ?? []
      list.push({ ...service.entry, items })
      categories.set(category, list)
    }
    byDesk.set(service.deskId, categories)
  }
  return {
    desks: offer.desks.filter(d => byDesk.has(d.id)).map(d => ({
      id: d.id,
      key: d.key,
      name: d.name,
      categories: [...byDesk.get(d.id)!.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, services]) => ({ name, services }))
    }))
  }
}
