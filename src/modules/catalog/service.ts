import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js'
import { decodeCreationCursor } from '../../shared/creation-cursor.js'
import { encodeCursor, type Page } from '../../shared/pagination.js'
import { requireAdmin, type Principal } from '../../shared/principal.js'
import type { CalendarService } from '../calendars/service.js'
import { findDesk, findTeamById } from '../desks/repository.js'
import { browseOffer, compileOffer, type Offer } from './offer.js'
import { checkForm, validateAnswers, type Form } from './form.js'
import { canMove, nextLifecycles, type Lifecycle } from './lifecycle.js'
import * as repo from './repository.js'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ApprovalPolicySchema, TaskTemplateSchema, type ApprovalPolicy, type FulfilmentPlan, type TaskTemplate } from '../fulfilment/schema.js'
import type {
  Catalog, CatalogItem, CreateCatalogItem, CreateService, LifecycleChange, Service, UpdateCatalogItem, UpdateService, ValidationResult
} from './schema.js'
import { manages, mayRequest, seesItem, seesService } from './visibility.js'

export const serviceNotFound = (id: string) => new NotFoundError('SERVICE_NOT_FOUND', `Service ${id} does not exist`)
export const itemNotFound = (id: string) => new NotFoundError('CATALOG_ITEM_NOT_FOUND', `Catalogue item ${id} does not exist`)

const DEFAULT_FORM: Form = { type: 'object' }
/** Rendered catalogues kept per caller profile and query (oldest dropped first). */
const RENDERED_MAX = 1000

export function toService (row: repo.ServiceRow, actor: Principal): Service {
  return {
    id: row.id,
    deskId: row.deskId,
    name: row.name,
    description: row.description,
    ownerTeamId: row.ownerTeamId,
    lifecycle: row.lifecycle as Lifecycle,
    ...(manages(actor, row) ? { eligibility: row.eligibility as Service['eligibility'] } : {}),
    cost: row.cost as Service['cost'],
    supportCalendarId: row.supportCalendarId,
    help: row.help,
    categories: row.categories,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version
  }
}

export function toItem (row: repo.ItemWithForm, actor: Principal): CatalogItem {
  const managed = manages(actor, row.service)
  return {
    id: row.id,
    serviceId: row.serviceId,
    deskId: row.service.deskId,
    name: row.name,
    description: row.description,
    kind: row.kind as CatalogItem['kind'],
    isActive: row.isActive,
    form: row.form as Form,
    formVersion: row.formVersion,
    expectedDeliveryMinutes: row.expectedDeliveryMinutes,
    approval: row.approval as ApprovalPolicy,
    autoResolve: row.autoResolve,
    ...(managed ? { eligibility: row.eligibility as CatalogItem['eligibility'], tasks: row.tasks as TaskTemplate[] } : {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version
  }
}

/** A catalogue as sent: UTF-8 JSON, the same gzipped, and its entity tag. */
export interface RenderedCatalog { json: Buffer, gzip: Buffer, etag: string }

/** What a ticket created from a catalogue item takes from it. */
export interface CatalogRequest {
  deskId: string
  serviceId: string
  catalogItemId: string
  type: 'incident' | 'service_request'
  title: string
  formVersion: number
  fields: Record<string, unknown>
  plan: FulfilmentPlan
}

/** Reads rows in batches and keeps those `keep` allows, until a page (plus one) is full. */
async function visiblePage<R extends { createdAt: Date, id: string }> (
  fetch: (after: { createdAt: Date, id: string } | undefined, batch: number) => Promise<R[]>,
  keep: (row: R) => boolean, limit: number, cursor: string | undefined
): Promise<{ rows: R[], nextCursor: string | null }> {
  const batch = Math.max(limit + 1, 200)
  let after = decodeCreationCursor(cursor)
  const kept: R[] = []
  for (;;) {
    const rows = await fetch(after, batch)
    for (const row of rows) if (keep(row)) kept.push(row)
    if (kept.length > limit || rows.length < batch) break
    const last = rows[rows.length - 1]!
    after = { createdAt: last.createdAt, id: last.id }
  }
  const page = kept.slice(0, limit)
  const last = page[page.length - 1]
  return { rows: page, nextCursor: kept.length > limit && last !== undefined ? encodeCursor([last.createdAt.toISOString(), last.id]) : null }
}

export function createCatalogService ({ db, clock, calendars }: { db: Db, clock: Clock, calendars: CalendarService }) {
  let offer: Offer | undefined
  /**
   * Runs a catalogue write in a transaction. The revision is drawn inside it and again after the
   * commit: a reader that cached the old rows under the first number sees the second one change.
   */
  async function writeCatalog<T> (work: (tx: Db) => Promise<T>): Promise<T> {
    const result = await db.transaction(async (tx) => {
      const value = await work(tx)
      await repo.bumpRevision(tx)
      return value
    })
    await repo.bumpRevision(db)
    return result
  }
  const rendered = new Map<string, RenderedCatalog & { revision: string }>()
  async function currentOffer (): Promise<Offer> {
    const revision = await repo.offerRevision(db)
    if (offer?.revision !== revision) offer = compileOffer(await repo.loadOffer(db), revision)
    return offer
  }

  async function deskIdOf (idOrKey: string, path: string, problems: FieldError[]) {
    const desk = await findDesk(db, idOrKey)
    if (desk === undefined) problems.push({ path, message: `no desk ${idOrKey}` })
    return desk?.id
  }

  async function checkServiceRefs (input: { ownerTeamId?: string | null | undefined, supportCalendarId?: string | null | undefined }, deskId: string | undefined, problems: FieldError[]) {
    if (input.ownerTeamId != null) {
      const team = await findTeamById(db, input.ownerTeamId)
      if (team === undefined || (deskId !== undefined && team.deskId !== deskId)) problems.push({ path: '/ownerTeamId', message: 'is not a team of this service\'s desk' })
    }
    if (input.supportCalendarId != null && !await calendars.exists(input.supportCalendarId)) problems.push({ path: '/supportCalendarId', message: 'no such calendar' })
  }

  /** Checks an approval policy and task templates (GraphQL inputs arrive unchecked), and that named teams exist. */
  async function checkPlan (input: { approval?: unknown, tasks?: unknown }, problems: FieldError[]) {
    if (input.approval !== undefined) {
      problems.push(...[...Value.Errors(ApprovalPolicySchema, input.approval)].map(e => ({ path: `/approval${e.path}`, message: e.message })))
      const a = input.approval as { teamId?: string, userIds?: string[], required?: unknown }
      if (typeof a.required === 'number' && a.userIds !== undefined && a.teamId === undefined && a.required > a.userIds.length) problems.push({ path: '/approval/required', message: 'is more than the named users' })
      if (a.teamId !== undefined && await findTeamById(db, a.teamId) === undefined) problems.push({ path: '/approval/teamId', message: 'no such team' })
    }
    if (input.tasks !== undefined) {
      problems.push(...[...Value.Errors(Type.Array(TaskTemplateSchema), input.tasks)].map(e => ({ path: `/tasks${e.path}`, message: e.message })))
      for (const [i, task] of (input.tasks as Array<{ teamId?: string }>).entries()) {
        if (task.teamId !== undefined && await findTeamById(db, task.teamId) === undefined) problems.push({ path: `/tasks/${i}/teamId`, message: 'no such team' })
      }
    }
  }

  /** A list's desk filter by id or key: undefined for none, null for a desk that does not exist (an empty list). */
  async function deskFilter (idOrKey: string | undefined): Promise<string | undefined | null> {
    if (idOrKey === undefined) return undefined
    return (await findDesk(db, idOrKey))?.id ?? null
  }

  async function loadService (actor: Principal, id: string, forUpdate = false, tx: Db = db) {
    const row = await repo.findServiceById(tx, id, forUpdate)
    if (row === undefined || !seesService(actor, row)) throw serviceNotFound(id)
    return row
  }

  async function loadItem (actor: Principal, id: string, tx: Db = db) {
    const row = await repo.findItemById(tx, id)
    if (row === undefined || !seesItem(actor, row, row.service)) throw itemNotFound(id)
    return row
  }

  async function formOf (item: { id: string }, version: number, tx: Db = db): Promise<Form | undefined> {
    return (await repo.findForm(tx, item.id, version))?.schema as Form | undefined
  }

  return {
    async createService (actor: Principal, input: CreateService): Promise<Service> {
      requireAdmin(actor)
      const problems: FieldError[] = []
      const deskId = await deskIdOf(input.deskId, '/deskId', problems)
      await checkServiceRefs(input, deskId, problems)
      if (problems.length > 0 || deskId === undefined) throw new ValidationError(problems)
      const now = clock.now()
      const lifecycle = input.lifecycle ?? 'pipeline'
      return toService(await writeCatalog(async (tx) => {
        const row = await repo.insertService(tx, {
          deskId,
          name: input.name,
          description: input.description ?? null,
          ownerTeamId: input.ownerTeamId ?? null,
          lifecycle,
          eligibility: input.eligibility ?? {},
          cost: input.cost ?? null,
          supportCalendarId: input.supportCalendarId ?? null,
          help: input.help ?? null,
          categories: input.categories ?? [],
          createdAt: now,
          updatedAt: now
        })
        await repo.insertLifecycleChange(tx, { serviceId: row.id, from: null, to: lifecycle, actorId: actor.userId, occurredAt: now })
        return row
      }), actor)
    },

    async getService (actor: Principal, id: string): Promise<Service> {
      return toService(await loadService(actor, id), actor)
    },

    async listServices (actor: Principal, query: { deskId?: string | undefined, lifecycle?: Lifecycle | undefined, category?: string | undefined, q?: string | undefined, limit: number, cursor?: string | undefined }): Promise<Page<Service>> {
      const deskId = await deskFilter(query.deskId)
      if (deskId === null) return { data: [], nextCursor: null }
      const filter = { deskId, lifecycle: query.lifecycle, category: query.category, q: query.q }
      const { rows, nextCursor } = await visiblePage((after, batch) => repo.listServices(db, filter, after, batch), row => seesService(actor, row), query.limit, query.cursor)
      return { data: rows.map(r => toService(r, actor)), nextCursor }
    },

    async updateService (actor: Principal, id: string, patch: UpdateService): Promise<Service> {
      requireAdmin(actor)
      const now = clock.now()
      return toService(await writeCatalog(async (tx) => {
        const row = await loadService(actor, id, true, tx)
        const problems: FieldError[] = []
        await checkServiceRefs(patch, row.deskId, problems)
        if (problems.length > 0) throw new ValidationError(problems)
        const to = patch.lifecycle
        if (to !== undefined && to !== row.lifecycle) {
          const from = row.lifecycle as Lifecycle
          if (!canMove(from, to)) {
            throw new ConflictError('SERVICE_INVALID_LIFECYCLE', `A ${from} service cannot become ${to}; it may become: ${nextLifecycles(from).join(', ')}`, { allowed: nextLifecycles(from) })
          }
          await repo.insertLifecycleChange(tx, { serviceId: row.id, from, to, actorId: actor.userId, occurredAt: now })
        }
        return repo.updateService(tx, row.id, { ...patch, updatedAt: now })
      }), actor)
    },

    async lifecycleHistory (actor: Principal, id: string): Promise<LifecycleChange[]> {
      const row = await loadService(actor, id)
      if (!manages(actor, row)) throw serviceNotFound(id)
      return (await repo.listLifecycleChanges(db, row.id)).map(c => ({ from: c.from as Lifecycle | null, to: c.to as Lifecycle, actorId: c.actorId, occurredAt: c.occurredAt.toISOString() }))
    },

    /** Services by id in one statement; null where the caller may not see one. */
    async findServices (actor: Principal, ids: readonly string[]): Promise<Array<Service | null>> {
      const rows = new Map((await repo.findServicesByIds(db, [...new Set(ids)])).map(r => [r.id, r]))
      return ids.map(id => {
        const row = rows.get(id)
        return row !== undefined && seesService(actor, row) ? toService(row, actor) : null
      })
    },

    /** Catalogue items by id in one statement; null where the caller may not see one. */
    async findItems (actor: Principal, ids: readonly string[]): Promise<Array<CatalogItem | null>> {
      const rows = new Map((await repo.findItemsByIds(db, [...new Set(ids)])).map(r => [r.id, r]))
      return ids.map(id => {
        const row = rows.get(id)
        return row !== undefined && seesItem(actor, row, row.service) ? toItem(row, actor) : null
      })
    },

    async createItem (actor: Principal, input: CreateCatalogItem): Promise<CatalogItem> {
      requireAdmin(actor)
      const service = await repo.findServiceById(db, input.serviceId)
      const problems: FieldError[] = service === undefined ? [{ path: '/serviceId', message: 'no such service' }] : []
      const form = input.form ?? DEFAULT_FORM
      problems.push(...checkForm(form))
      await checkPlan(input, problems)
      if (problems.length > 0 || service === undefined) throw new ValidationError(problems)
      const now = clock.now()
      const row = await writeCatalog(async (tx) => {
        const item = await repo.insertItem(tx, {
          serviceId: service.id,
          name: input.name,
          description: input.description ?? null,
          kind: input.kind,
          isActive: input.isActive ?? true,
          eligibility: input.eligibility ?? {},
          formVersion: 1,
          expectedDeliveryMinutes: input.expectedDeliveryMinutes ?? null,
          approval: input.approval ?? { type: 'none' },
          tasks: input.tasks ?? [],
          autoResolve: input.autoResolve ?? false,
          createdAt: now,
          updatedAt: now
        })
        await repo.insertForm(tx, item.id, 1, form, now)
        return item
      })
      return toItem({ ...row, service, form }, actor)
    },

    async getItem (actor: Principal, id: string): Promise<CatalogItem> {
      const row = await loadItem(actor, id)
      return toItem({ ...row, form: await formOf(row, row.formVersion) ?? DEFAULT_FORM }, actor)
    },

    /** One stored version of an item's form, for tickets created with it. */
    async getForm (actor: Principal, id: string, version: number): Promise<{ formVersion: number, form: Form }> {
      const row = await loadItem(actor, id)
      const form = await formOf(row, version)
      if (form === undefined) throw new NotFoundError('NOT_FOUND', `Catalogue item ${id} has no form version ${version}`)
      return { formVersion: version, form }
    },

    async listItems (actor: Principal, query: { serviceId?: string | undefined, deskId?: string | undefined, kind?: string | undefined, q?: string | undefined, limit: number, cursor?: string | undefined }): Promise<Page<CatalogItem>> {
      const deskId = await deskFilter(query.deskId)
      if (deskId === null) return { data: [], nextCursor: null }
      const filter = { serviceId: query.serviceId, deskId, kind: query.kind, q: query.q }
      const { rows, nextCursor } = await visiblePage((after, batch) => repo.listItems(db, filter, after, batch), row => seesItem(actor, row, row.service), query.limit, query.cursor)
      return { data: rows.map(r => toItem(r, actor)), nextCursor }
    },

    async updateItem (actor: Principal, id: string, patch: UpdateCatalogItem): Promise<CatalogItem> {
      requireAdmin(actor)
      const problems: FieldError[] = patch.form === undefined ? [] : checkForm(patch.form)
      await checkPlan(patch, problems)
      if (problems.length > 0) throw new ValidationError(problems)
      const now = clock.now()
      const row = await writeCatalog(async (tx) => {
        const item = await repo.findItemById(tx, id, true)
        if (item === undefined) throw itemNotFound(id)
        const { form, ...rest } = patch
        let formVersion = item.formVersion
        if (form !== undefined) {
          formVersion += 1
          await repo.insertForm(tx, item.id, formVersion, form, now)
        }
        const updated = await repo.updateItem(tx, item.id, { ...rest, formVersion, updatedAt: now })
        return { ...updated, service: item.service, form: form ?? await formOf(item, formVersion, tx) ?? DEFAULT_FORM }
      })
      return toItem(row, actor)
    },

    /** Checks draft answers exactly as creating a ticket would, without creating anything. */
    async validate (actor: Principal, id: string, fields: Record<string, unknown>, version?: number): Promise<ValidationResult> {
      const item = await loadItem(actor, id)
      const formVersion = version ?? item.formVersion
      const form = await formOf(item, formVersion)
      if (form === undefined) throw new ValidationError([{ path: '/formVersion', message: `the item has no form version ${formVersion}` }])
      const result = validateAnswers(`${item.id}:${formVersion}`, form, fields)
      return result.ok ? { valid: true, formVersion, errors: [], fields: result.fields } : { valid: false, formVersion, errors: result.errors, fields }
    },

    /**
     * Inside a ticket-creation transaction: what a ticket created from `itemId` takes from the item,
     * with its answers checked against the current form and its defaults applied. An item the caller
     * may not request answers 404, as if it did not exist.
     */
    async requestFrom (tx: Db, actor: Principal, input: { catalogItemId: string, type?: string | undefined, deskId?: string | undefined, serviceId?: string | undefined, title?: string | undefined, fields?: Record<string, unknown> | undefined }): Promise<CatalogRequest> {
      const item = await repo.findItemById(tx, input.catalogItemId)
      if (item === undefined || !mayRequest(actor, item, item.service)) throw itemNotFound(input.catalogItemId)
      const problems: FieldError[] = []
      if (input.type !== undefined && input.type !== item.kind) problems.push({ path: '/type', message: `must be ${item.kind}, the kind of the catalogue item` })
      if (input.serviceId !== undefined && input.serviceId !== item.serviceId) problems.push({ path: '/serviceId', message: 'must be the catalogue item\'s service' })
      if (input.deskId !== undefined) {
        const desk = await findDesk(tx, input.deskId)
        if (desk?.id !== item.service.deskId) problems.push({ path: '/deskId', message: 'must be the desk of the catalogue item\'s service' })
      }
      const form = await formOf(item, item.formVersion, tx) ?? DEFAULT_FORM
      const answers = validateAnswers(`${item.id}:${item.formVersion}`, form, input.fields ?? {})
      if (!answers.ok) problems.push(...answers.errors)
      if (problems.length > 0 || !answers.ok) throw new ValidationError(problems)
      return {
        deskId: item.service.deskId,
        serviceId: item.serviceId,
        catalogItemId: item.id,
        type: item.kind as CatalogRequest['type'],
        title: input.title ?? item.name,
        formVersion: item.formVersion,
        fields: answers.fields,
        plan: { approval: item.approval as ApprovalPolicy, tasks: item.tasks as TaskTemplate[], autoResolve: item.autoResolve }
      }
    },

    /** Checks new answers to a catalogue ticket's pinned form version (agents editing `fields`). */
    async recheck (tx: Db, ticket: { catalogItemId: string, formVersion: number }, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
      const form = await formOf({ id: ticket.catalogItemId }, ticket.formVersion, tx) ?? DEFAULT_FORM
      const answers = validateAnswers(`${ticket.catalogItemId}:${ticket.formVersion}`, form, fields)
      if (!answers.ok) throw new ValidationError(answers.errors)
      return answers.fields
    },

    /** A ticket's service, when given without a catalogue item: it must be one the caller sees, of the ticket's desk. */
    async checkTicketService (tx: Db, actor: Principal, serviceId: string, deskId: string, problems: FieldError[]): Promise<void> {
      const row = await repo.findServiceById(tx, serviceId)
      if (row === undefined || !seesService(actor, row)) problems.push({ path: '/serviceId', message: 'no such service' })
      else if (row.deskId !== deskId) problems.push({ path: '/serviceId', message: 'is not a service of this ticket\'s desk' })
    },

    /** Desks → categories → services → items the caller may request, optionally narrowed by text or desk. */
    async browse (actor: Principal, query: { q?: string | undefined, deskId?: string | undefined }): Promise<Catalog> {
      return browseOffer(await currentOffer(), actor, query)
    },

    /**
     * The same as JSON text with an entity tag. People with the same roles, memberships and
     * attributes see the same catalogue, so the text is cached per revision and profile.
     */
    async browseJson (actor: Principal, query: { q?: string | undefined, deskId?: string | undefined }): Promise<RenderedCatalog> {
      const current = await currentOffer()
      const key = JSON.stringify([actor.role, actor.roles, actor.teamIds, actor.deskIds, actor.organizationId, actor.department, actor.location, query.q ?? '', query.deskId ?? ''])
      let cached = rendered.get(key)
      if (cached === undefined || cached.revision !== current.revision) {
        const json = Buffer.from(JSON.stringify(browseOffer(current, actor, query)))
        cached = { revision: current.revision, json, gzip: gzipSync(json), etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` }
        if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value!)
        rendered.set(key, cached)
      }
      return cached
    }
  }
}
export type CatalogService = ReturnType<typeof createCatalogService>
