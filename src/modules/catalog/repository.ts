import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { afterKey } from '../../db/keyset.js'
import { catalogItemForms, catalogItems, desks, serviceLifecycleChanges, services } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'

export type ServiceRow = typeof services.$inferSelect
export type NewServiceRow = typeof services.$inferInsert
export type ItemRow = typeof catalogItems.$inferSelect
export type NewItemRow = typeof catalogItems.$inferInsert
/** An item with what its service decides about it. */
export type ItemWithService = ItemRow & { service: ServiceRow }
/** An item with its service and its current form. */
export type ItemWithForm = ItemWithService & { form: unknown }

type After = { createdAt: Date, id: string } | undefined

/** Words of `q` each found (case-insensitively) in one of `columns`. */
function textMatch (q: string | undefined, columns: SQL[]): SQL | undefined {
  if (q === undefined) return undefined
  const words = q.trim().split(/\s+/).filter(w => w.length > 0).slice(0, 10)
  const pattern = (w: string) => `%${w.replace(/[\\%_]/g, c => `\\${c}`)}%`
  return and(...words.map(w => or(...columns.map(c => ilike(c, pattern(w))))))
}

export async function insertService (db: Db, values: NewServiceRow) {
  const [row] = await db.insert(services).values(values).returning()
  return row!
}

export async function findServiceById (db: Db, id: string, forUpdate = false) {
  if (!isUuid(id)) return undefined
  const query = db.select().from(services).where(eq(services.id, id))
  const [row] = forUpdate ? await query.for('update') : await query
  return row
}

export async function findServicesByIds (db: Db, ids: readonly string[]) {
  const wanted = ids.filter(isUuid)
  if (wanted.length === 0) return []
  return db.select().from(services).where(inArray(services.id, wanted))
}

export async function updateService (db: Db, id: string, patch: Partial<NewServiceRow>) {
  const [row] = await db.update(services).set({ ...patch, version: sql`${services.version} + 1` }).where(eq(services.id, id)).returning()
  return row!
}

export interface ServiceListFilter { deskId?: string | undefined, lifecycle?: string | undefined, category?: string | undefined, q?: string | undefined }

export async function listServices (db: Db, filter: ServiceListFilter, after: After, batch: number) {
  const where = and(
    afterKey(services.createdAt, services.id, after),
    filter.deskId === undefined ? undefined : eq(services.deskId, filter.deskId),
    filter.lifecycle === undefined ? undefined : eq(services.lifecycle, filter.lifecycle),
    filter.category === undefined ? undefined : sql`${filter.category} = any(${services.categories})`,
    textMatch(filter.q, [sql`${services.name}`, sql`coalesce(${services.description}, '')`, sql`array_to_string(${services.categories}, ' ')`])
  )
  return db.select().from(services).where(where).orderBy(asc(services.createdAt), asc(services.id)).limit(batch)
}

export async function insertLifecycleChange (db: Db, values: typeof serviceLifecycleChanges.$inferInsert) {
  await db.insert(serviceLifecycleChanges).values(values)
}

export async function listLifecycleChanges (db: Db, serviceId: string) {
  return db.select().from(serviceLifecycleChanges).where(eq(serviceLifecycleChanges.serviceId, serviceId)).orderBy(asc(serviceLifecycleChanges.id))
}

export async function insertItem (db: Db, values: NewItemRow) {
  const [row] = await db.insert(catalogItems).values(values).returning()
  return row!
}

export async function insertForm (db: Db, itemId: string, version: number, schema: unknown, now: Date) {
  await db.insert(catalogItemForms).values({ itemId, version, schema, createdAt: now })
}

export async function findForm (db: Db, itemId: string, version: number) {
  const [row] = await db.select().from(catalogItemForms).where(and(eq(catalogItemForms.itemId, itemId), eq(catalogItemForms.version, version)))
  return row
}

export async function findItemById (db: Db, id: string, forUpdate = false): Promise<ItemWithService | undefined> {
  if (!isUuid(id)) return undefined
  const query = db.select({ item: catalogItems, service: services }).from(catalogItems)
    .innerJoin(services, eq(services.id, catalogItems.serviceId)).where(eq(catalogItems.id, id))
  const [row] = forUpdate ? await query.for('update', { of: catalogItems }) : await query
  return row === undefined ? undefined : { ...row.item, service: row.service }
}

export async function findItemsByIds (db: Db, ids: readonly string[]): Promise<ItemWithForm[]> {
  const wanted = ids.filter(isUuid)
  if (wanted.length === 0) return []
  const rows = await db.select({ item: catalogItems, service: services, form: catalogItemForms.schema }).from(catalogItems)
    .innerJoin(services, eq(services.id, catalogItems.serviceId))
    .innerJoin(catalogItemForms, and(eq(catalogItemForms.itemId, catalogItems.id), eq(catalogItemForms.version, catalogItems.formVersion)))
    .where(inArray(catalogItems.id, wanted))
  return rows.map(r => ({ ...r.item, service: r.service, form: r.form }))
}

export async function updateItem (db: Db, id: string, patch: Partial<NewItemRow>) {
  const [row] = await db.update(catalogItems).set({ ...patch, version: sql`${catalogItems.version} + 1` }).where(eq(catalogItems.id, id)).returning()
  return row!
}

export interface ItemListFilter { serviceId?: string | undefined, deskId?: string | undefined, kind?: string | undefined, q?: string | undefined }

export async function listItems (db: Db, filter: ItemListFilter, after: After, batch: number): Promise<ItemWithForm[]> {
  const where = and(
    afterKey(catalogItems.createdAt, catalogItems.id, after),
    filter.serviceId === undefined ? undefined : eq(catalogItems.serviceId, filter.serviceId),
    filter.deskId === undefined ? undefined : eq(services.deskId, filter.deskId),
    filter.kind === undefined ? undefined : eq(catalogItems.kind, filter.kind),
    textMatch(filter.q, [sql`${catalogItems.name}`, sql`coalesce(${catalogItems.description}, '')`])
  )
  const rows = await db.select({ item: catalogItems, service: services, form: catalogItemForms.schema }).from(catalogItems)
    .innerJoin(services, eq(services.id, catalogItems.serviceId))
    .innerJoin(catalogItemForms, and(eq(catalogItemForms.itemId, catalogItems.id), eq(catalogItemForms.version, catalogItems.formVersion)))
    .where(where).orderBy(asc(catalogItems.createdAt), asc(catalogItems.id)).limit(batch)
  return rows.map(r => ({ ...r.item, service: r.service, form: r.form }))
}

/** The whole offer, for browsing: live services and active items with their desks (no forms). */
export async function loadOffer (db: Db) {
  const [deskRows, serviceRows, itemRows] = await Promise.all([
    db.select({ id: desks.id, key: desks.key, name: desks.name }).from(desks).orderBy(asc(desks.key)),
    db.select().from(services).where(eq(services.lifecycle, 'live')).orderBy(asc(services.name), asc(services.id)),
    db.select({
      id: catalogItems.id,
      serviceId: catalogItems.serviceId,
      name: catalogItems.name,
      description: catalogItems.description,
      kind: catalogItems.kind,
      expectedDeliveryMinutes: catalogItems.expectedDeliveryMinutes,
      eligibility: catalogItems.eligibility
    }).from(catalogItems).innerJoin(services, eq(services.id, catalogItems.serviceId))
      .where(and(eq(catalogItems.isActive, true), eq(services.lifecycle, 'live')))
      .orderBy(asc(catalogItems.name), asc(catalogItems.id))
  ])
  return { desks: deskRows, services: serviceRows, items: itemRows }
}

/** Marks a catalogue write; call it in the transaction that writes. */
export async function bumpRevision (db: Db): Promise<void> {
  await db.execute(sql`select nextval('catalog_revision')`)
}

/** Changes whenever a service or item is written (or a desk renamed), on any instance: browsing caches key on it. */
export async function offerRevision (db: Db): Promise<string> {
  const result: unknown = await db.execute(sql`select concat_ws('/', (select last_value from catalog_revision),
    (select md5(string_agg(key || ':' || name, ',' order by key)) from desks)) as revision`)
  return (result as { rows: Array<{ revision: string }> }).rows[0]!.revision
}
