import { and, asc, eq, getTableColumns, inArray, or, sql, type SQL } from 'drizzle-orm'
import { PgDialect, type PgColumn } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import { comments, desks, slaClocks, ticketEvents, ticketLinks, ticketParticipants, tickets } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'
import { AppError } from '../../shared/errors.js'
import { deskSequenceName } from '../desks/repository.js'
import { clockRevisionOf } from '../sla/repository.js'
import type { FilterNode, SortKey } from './filter.js'
import type { Ticket } from './schema.js'

export type TicketRow = typeof tickets.$inferSelect
export type NewTicketRow = typeof tickets.$inferInsert
export type CommentRow = typeof comments.$inferSelect
export type EventRow = typeof ticketEvents.$inferSelect

/** Every column but the search vectors, which never leave the database. */
const { search: _search, publicCommentSearch: _public, internalNoteSearch: _internal, ...selection } = getTableColumns(tickets)

export async function insertTicket (db: Db, values: NewTicketRow) {
  const [row] = await db.insert(tickets).values(values).returning(selection)
  return row as TicketRow
}

const byIdOrKey = (idOrKey: string) => isUuid(idOrKey) ? eq(tickets.id, idOrKey) : eq(tickets.key, idOrKey.toUpperCase())

// Reads by id or key are the hottest queries: prepared once per database handle (a named
// statement on PostgreSQL), they skip query building and server-side planning.
type PreparedRead = { execute: (v: { ref: string }) => Promise<unknown[]> }
const prepared = new WeakMap<Db, Record<'byId' | 'byKey' | 'shownById' | 'shownByKey', PreparedRead>>()
function preparedReads (db: Db) {
  let entry = prepared.get(db)
  if (entry === undefined) {
    // A ticket as it is shown: its response shape as json text (the list's columns, so the same
    // values), and the revision of its clocks. Two cells instead of thirty mapped one by one, and one round trip.
    const shown = {
      ticket: sql<string>`(select row_to_json(v) from (select ${ticketViewColumns}) v)::text`,
      clocks: clockRevisionOf(tickets.id)
    }
    entry = {
      byId: db.select(selection).from(tickets).where(eq(tickets.id, sql.placeholder('ref'))).prepare('ticket_by_id'),
      byKey: db.select(selection).from(tickets).where(eq(tickets.key, sql.placeholder('ref'))).prepare('ticket_by_key'),
      shownById: db.select(shown).from(tickets).where(eq(tickets.id, sql.placeholder('ref'))).prepare('ticket_shown_by_id'),
      shownByKey: db.select(shown).from(tickets).where(eq(tickets.key, sql.placeholder('ref'))).prepare('ticket_shown_by_key')
    }
    prepared.set(db, entry)
  }
  return entry
}

/** Reads a ticket outside any transaction (use findTicketForUpdate inside one). */
export async function findTicket (db: Db, idOrKey: string) {
  const reads = preparedReads(db)
  const [row] = isUuid(idOrKey) ? await reads.byId.execute({ ref: idOrKey }) : await reads.byKey.execute({ ref: idOrKey.toUpperCase() })
  return row as TicketRow | undefined
}

/**
 * A ticket as the API shows it (the Ticket shape, exactly as toTicket maps the row) with the
 * revision of its clocks (see clockRevisionOf; null without clocks), in one statement.
 */
export async function findShownTicket (db: Db, idOrKey: string): Promise<ShownTicket | undefined> {
  const reads = preparedReads(db)
  const [row] = (isUuid(idOrKey) ? await reads.shownById.execute({ ref: idOrKey }) : await reads.shownByKey.execute({ ref: idOrKey.toUpperCase() })) as Array<{ ticket: string, clocks: string | null }>
  if (row === undefined) return undefined
  const ticket = JSON.parse(row.ticket) as Ticket
  return { id: ticket.id, deskId: ticket.deskId, requesterId: ticket.requesterId, ticket, clocks: row.clocks }
}
export interface ShownTicket { id: string, deskId: string, requesterId: string, ticket: Ticket, clocks: string | null }

/** Locks the ticket row: concurrent changes to one ticket run one after another. */
export async function findTicketForUpdate (db: Db, idOrKey: string) {
  const [row] = await db.select(selection).from(tickets).where(byIdOrKey(idOrKey)).for('update')
  return row as TicketRow | undefined
}

export async function updateTicket (db: Db, id: string, patch: Partial<NewTicketRow>) {
  const [row] = await db.update(tickets).set({ ...patch, version: sql`${tickets.version} + 1` }).where(eq(tickets.id, id)).returning(selection)
  return row as TicketRow
}

export async function isParticipant (db: Db, ticketId: string, userId: string) {
  const rows = await db.select({ userId: ticketParticipants.userId }).from(ticketParticipants)
    .where(and(eq(ticketParticipants.ticketId, ticketId), eq(ticketParticipants.userId, userId)))
  return rows.length > 0
}

export async function insertParticipant (db: Db, ticketId: string, userId: string, now: Date) {
  const rows = await db.insert(ticketParticipants).values({ ticketId, userId, addedAt: now }).onConflictDoNothing().returning()
  return rows.length > 0
}

export async function deleteParticipant (db: Db, ticketId: string, userId: string) {
  const rows = await db.delete(ticketParticipants).where(and(eq(ticketParticipants.ticketId, ticketId), eq(ticketParticipants.userId, userId))).returning()
  return rows.length > 0
}

export async function listParticipants (db: Db, ticketId: string) {
  return db.select().from(ticketParticipants).where(eq(ticketParticipants.ticketId, ticketId)).orderBy(asc(ticketParticipants.addedAt))
}

export async function insertEvent (db: Db, event: typeof ticketEvents.$inferInsert) {
  await db.insert(ticketEvents).values(event)
}

export async function listEvents (db: Db, ticketId: string, includeInternal: boolean, limit: number, afterId?: number) {
  return db.select().from(ticketEvents).where(and(
    eq(ticketEvents.ticketId, ticketId),
    includeInternal ? undefined : eq(ticketEvents.isInternal, false),
    afterId === undefined ? undefined : sql`${ticketEvents.id} > ${afterId}`
  )).orderBy(asc(ticketEvents.id)).limit(limit + 1)
}

/** Adds a comment's words to its ticket's search vector for that visibility. */
export async function appendCommentSearch (db: Db, ticketId: string, visibility: string, body: string) {
  const column = visibility === 'internal' ? tickets.internalNoteSearch : tickets.publicCommentSearch
  await db.update(tickets)
    .set(visibility === 'internal'
      ? { internalNoteSearch: sql`coalesce(${column}, ''::tsvector) || to_tsvector('english', ${body})` }
      : { publicCommentSearch: sql`coalesce(${column}, ''::tsvector) || to_tsvector('english', ${body})` })
    .where(eq(tickets.id, ticketId))
}

/** Stores a comment and adds its words to the ticket's search vector, always together. */
export async function insertComment (db: Db, values: typeof comments.$inferInsert) {
  await appendCommentSearch(db, values.ticketId, values.visibility, values.body)
  const [row] = await db.insert(comments).values(values).returning({
    id: comments.id, ticketId: comments.ticketId, authorId: comments.authorId, body: comments.body, visibility: comments.visibility, createdAt: comments.createdAt
  })
  return row!
}

export async function listComments (db: Db, ticketId: string, includeInternal: boolean, limit: number, after?: { createdAt: Date, id: string }) {
  return db.select({
    id: comments.id, ticketId: comments.ticketId, authorId: comments.authorId, body: comments.body, visibility: comments.visibility, createdAt: comments.createdAt
  }).from(comments).where(and(
    eq(comments.ticketId, ticketId),
    includeInternal ? undefined : eq(comments.visibility, 'public'),
    after === undefined ? undefined : sql`(${comments.createdAt}, ${comments.id}) > (${after.createdAt}, ${after.id})`
  )).orderBy(asc(comments.createdAt), asc(comments.id)).limit(limit + 1)
}

export async function insertLink (db: Db, values: typeof ticketLinks.$inferInsert) {
  const rows = await db.insert(ticketLinks).values(values).onConflictDoNothing().returning()
  return rows[0]
}

export async function deleteLink (db: Db, ticketId: string, linkId: string) {
  if (!isUuid(linkId)) return undefined
  const [row] = await db.delete(ticketLinks).where(and(eq(ticketLinks.id, linkId), or(eq(ticketLinks.ticketId, ticketId), eq(ticketLinks.targetTicketId, ticketId)))).returning()
  return row
}

export async function listLinks (db: Db, ticketId: string) {
  return db.select({ link: ticketLinks, outwardKey: sql<string>`(select key from tickets t where t.id = ${ticketLinks.targetTicketId})`, inwardKey: sql<string>`(select key from tickets t where t.id = ${ticketLinks.ticketId})` })
    .from(ticketLinks)
    .where(or(eq(ticketLinks.ticketId, ticketId), eq(ticketLinks.targetTicketId, ticketId)))
    .orderBy(asc(ticketLinks.createdAt), asc(ticketLinks.id))
}

/** Who may see a ticket row: the SQL twin of `mayView` in access.ts. */
export interface Visibility { all: boolean, userId: string, deskIds: readonly string[] }

function visibleTo (v: Visibility): SQL | undefined {
  if (v.all) return undefined
  const own = or(
    eq(tickets.requesterId, v.userId),
    sql`exists (select 1 from ${ticketParticipants} p where p.ticket_id = ${tickets.id} and p.user_id = ${v.userId})`
  )
  return v.deskIds.length === 0 ? own : or(inArray(tickets.deskId, [...v.deskIds]), own)
}

const columnOf = {
  status: tickets.status,
  statusCategory: tickets.statusCategory,
  type: tickets.type,
  priority: tickets.priority,
  impact: tickets.impact,
  urgency: tickets.urgency,
  channel: tickets.channel,
  key: tickets.key,
  deskId: tickets.deskId,
  serviceId: tickets.serviceId,
  assigneeId: tickets.assigneeId,
  teamId: tickets.teamId,
  requesterId: tickets.requesterId,
  parentId: tickets.parentId,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt
} as const

const compare = (column: SQL | PgColumn, op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', value: unknown): SQL => {
  const symbol = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' }[op]
  return sql`${column} ${sql.raw(symbol)} ${value}`
}

/** Clocks the caller may see on a ticket: customer SLA clocks, and all of them on desks they work. */
function clockVisibleTo (v: Visibility): SQL {
  if (v.all) return sql`true`
  return v.deskIds.length === 0 ? sql`${slaClocks.kind} = 'sla'` : sql`(${slaClocks.kind} = 'sla' or ${inArray(tickets.deskId, [...v.deskIds])})`
}

/**
 * A ticket in a service-level state at `now` (see SLA_STATES in filter.ts), through the partial
 * indexes on the clocks' breach and first-warning instants (modules/sla/clock-index.ts).
 */
function slaStateMatch (state: string, context: FilterContext): SQL {
  const condition = state === 'breached'
    ? sql`${slaClocks.breachAt} < ${context.now}`
    : sql`${slaClocks.atRiskAt} <= ${context.now} and (${slaClocks.breachAt} is null or ${slaClocks.breachAt} >= ${context.now})`
  return sql`exists (select 1 from ${slaClocks} where ${slaClocks.ticketId} = ${tickets.id} and ${condition} and ${clockVisibleTo(context.visibility)})`
}

/** The nearest due instant among the running clocks the caller may see, as epoch ms; tickets without one sort last. */
function slaDueAtKey (context: FilterContext, descending: boolean): SQL {
  const last = descending ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER
  return sql`coalesce((select (extract(epoch from min(${slaClocks.dueAt})) * 1000)::bigint from ${slaClocks} where ${slaClocks.ticketId} = ${tickets.id} and ${slaClocks.dueAt} is not null and ${clockVisibleTo(context.visibility)}), ${sql.raw(String(last))}::bigint)`
}

interface FilterContext { visibility: Visibility, now: Date }

function compileNode (node: FilterNode, context: FilterContext): SQL {
  const userId = context.visibility.userId
  if (node.kind !== 'cmp') {
    const parts = node.nodes.map(n => compileNode(n, context))
    return sql`(${sql.join(parts, sql.raw(node.kind === 'and' ? ' and ' : ' or '))})`
  }
  const negate = node.op === 'ne' || node.op === 'out'
  const setOp = node.op === 'in' || node.op === 'out' || node.op === 'eq' || node.op === 'ne'
  if (node.field === 'slaState') {
    const match = sql`(${sql.join(node.values.map(v => slaStateMatch(v, context)), sql` or `)})`
    return negate ? sql`not ${match}` : match
  }
  if (node.field === 'tag') {
    const match = sql`${tickets.tags} && ${sql.param(node.values)}::text[]`
    return negate ? sql`not (${match})` : match
  }
  if (node.field === 'createdAt' || node.field === 'updatedAt') {
    return compare(columnOf[node.field], node.op as 'eq', new Date(node.values[0]!))
  }
  const column = columnOf[node.field]
  if (!setOp) return compare(column, node.op as 'lt', node.values[0])
  // Reference fields take ids, `me`, `none`, and for desks also keys; anything else matches no row.
  const isRef = ['deskId', 'serviceId', 'assigneeId', 'teamId', 'requesterId', 'parentId'].includes(node.field)
  const values: SQL[] = []
  let none = false
  for (const v of node.values) {
    if (v === 'me' && (node.field === 'assigneeId' || node.field === 'requesterId')) values.push(sql`${userId}`)
    else if (v === 'none' && (node.field === 'assigneeId' || node.field === 'teamId' || node.field === 'parentId')) none = true
    else if (node.field === 'deskId' && !isUuid(v)) values.push(sql`(select id from ${desks} where key = ${v.toUpperCase()})`)
    else if (isRef && !isUuid(v)) values.push(sql`null::uuid`)
    else values.push(sql`${v}`)
  }
  const inList = values.length === 0 ? sql`false` : sql`${column} in (${sql.join(values, sql`, `)})`
  const match = none ? (values.length === 0 ? sql`${column} is null` : sql`(${inList} or ${column} is null)`) : inList
  return negate ? sql`not coalesce(${match}, false)` : match
}

export interface TicketQuery {
  visibility: Visibility
  /** The request instant: service-level states are read as they stand then. */
  now: Date
  filter: FilterNode[]
  text?: string | undefined
  sort: SortKey[]
  limit: number
  after?: unknown[] | undefined
}

const sortColumn = (key: SortKey, context: FilterContext): SQL | PgColumn =>
  key.field === 'key' ? tickets.number : key.field === 'slaDueAt' ? slaDueAtKey(context, key.descending) : columnOf[key.field]

/** Keyset condition: rows strictly after `after` in the order of `sort` then id. */
function afterCondition (sort: SortKey[], after: unknown[], context: FilterContext): SQL {
  const keys = [...sort.map(k => ({ column: sortColumn(k, context), descending: k.descending, field: k.field as string })),
    { column: tickets.id as PgColumn, descending: sort[sort.length - 1]!.descending, field: 'id' }]
  const value = (i: number): unknown => {
    const field = keys[i]!.field
    if (field === 'createdAt' || field === 'updatedAt') return new Date(after[i] as string)
    // Checked here, since a cursor is client input: a bigint literal that is not one is a 500.
    if (field === 'slaDueAt') {
      if (!/^-?\d{1,16}$/.test(String(after[i]))) throw new AppError('INVALID_CURSOR', 'The cursor does not belong to this list or sort order')
      return sql`${String(after[i])}::bigint`
    }
    return after[i]
  }
  const branches = keys.map((k, i) => and(
    ...keys.slice(0, i).map((p, j) => compare(p.column, 'eq', value(j))),
    compare(k.column, k.descending ? 'lt' : 'gt', value(i))
  )!)
  return or(...branches)!
}

function whereOf (query: Omit<TicketQuery, 'sort' | 'limit' | 'after'>): SQL | undefined {
  const parts: Array<SQL | undefined> = [visibleTo(query.visibility), ...query.filter.map(n => compileNode(n, query))]
  if (query.text !== undefined) {
    // Title, description and comment words all live on the ticket row, so this is an OR over
    // GIN indexes of one table, which PostgreSQL combines into one bitmap scan.
    const ts = sql`websearch_to_tsquery('english', ${query.text})`
    const notes = query.visibility.all
      ? sql` or ${tickets.internalNoteSearch} @@ ${ts}`
      : query.visibility.deskIds.length === 0
        ? sql``
        : sql` or (${tickets.internalNoteSearch} @@ ${ts} and ${inArray(tickets.deskId, [...query.visibility.deskIds])})`
    parts.push(sql`(${tickets.search} @@ ${ts} or ${tickets.publicCommentSearch} @@ ${ts}${notes})`)
  }
  return and(...parts)
}

const isoText = (column: PgColumn) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/**
 * A page of tickets read straight into the response shape: timestamps come back as ISO text
 * and columns under their API names, so a page of rows is not mapped cell by cell and each
 * timestamp is not turned into a Date and back. The field list mirrors `toTicket`.
 */
const ticketViewColumns = sql.join([
  sql`${tickets.id} as "id"`, sql`${tickets.key} as "key"`, sql`${tickets.type} as "type"`, sql`${tickets.title} as "title"`,
  sql`${tickets.description} as "description"`, sql`${tickets.deskId} as "deskId"`, sql`${tickets.serviceId} as "serviceId"`,
  sql`${tickets.catalogItemId} as "catalogItemId"`, sql`${tickets.formVersion} as "formVersion"`, sql`${tickets.requesterId} as "requesterId"`, sql`${tickets.assigneeId} as "assigneeId"`,
  sql`${tickets.teamId} as "teamId"`, sql`${tickets.parentId} as "parentId"`, sql`${tickets.status} as "status"`,
  sql`${tickets.statusCategory} as "statusCategory"`, sql`${tickets.impact} as "impact"`, sql`${tickets.urgency} as "urgency"`,
  sql`${tickets.priority} as "priority"`, sql`${tickets.priorityOverridden} as "priorityOverridden"`, sql`${tickets.channel} as "channel"`,
  sql`${tickets.resolution} as "resolution"`, sql`${tickets.fields} as "fields"`, sql`${tickets.tags} as "tags"`,
  sql`${isoText(tickets.createdAt)} as "createdAt"`, sql`${isoText(tickets.updatedAt)} as "updatedAt"`,
  sql`${isoText(tickets.resolvedAt)} as "resolvedAt"`, sql`${isoText(tickets.closedAt)} as "closedAt"`,
  sql`${tickets.version} as "version"`
], sql`, `)
// The select list never changes: render it to SQL text once instead of on every request
// (they were most of drizzle's query building, ~8 % of a list request's CPU in a profile).
let renderedViewColumns: SQL | undefined
const viewColumns = () => {
  if (renderedViewColumns === undefined) {
    const { sql: text, params } = new PgDialect({ casing: 'snake_case' }).sqlToQuery(sql`${ticketViewColumns}, ${tickets.number} as "number"`)
    /* c8 ignore next - a guard for whoever adds a bound value to the column list */
    if (params.length > 0) throw new Error('the ticket view columns must not bind values')
    renderedViewColumns = sql.raw(text)
  }
  return renderedViewColumns
}

/** One page (plus one row to know whether another follows), each row a Ticket plus its `number`. */
export async function listTicketViews (db: Db, query: TicketQuery): Promise<Array<ListedTicket>> {
  const keys = [...query.sort.map(k => ({ column: sortColumn(k, query), descending: k.descending })), { column: tickets.id, descending: query.sort[query.sort.length - 1]!.descending }]
  const order = sql.join(keys.map(k => sql`${k.column} ${sql.raw(k.descending ? 'desc' : 'asc')}`), sql`, `)
  const where = and(whereOf(query), query.after === undefined ? undefined : afterCondition(query.sort, query.after, query))
  // The computed SLA sort key goes out as text so the cursor carries it exactly (bigint).
  const slaKey = query.sort.find(k => k.field === 'slaDueAt')
  const extra = slaKey === undefined ? sql`` : sql`, ${sortColumn(slaKey, query)}::text as "slaDueAt"`
  const result = await db.execute(sql`select ${viewColumns()}${extra} from ${tickets} where ${where ?? sql`true`} order by ${order} limit ${query.limit + 1}`)
  return (result as unknown as { rows: ListedTicket[] }).rows
}

/** A listed row: a Ticket plus the sort-only keys its cursor may need. */
export type ListedTicket = Ticket & { number: number, slaDueAt?: string }

export async function countTickets (db: Db, query: Omit<TicketQuery, 'sort' | 'limit' | 'after'>) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tickets).where(whereOf(query))
  return row?.n ?? 0
}

export async function findTicketsByIds (db: Db, ids: readonly string[]) {
  if (ids.length === 0) return []
  return await db.select(selection).from(tickets).where(inArray(tickets.id, [...ids])) as TicketRow[]
}

/** Each desk numbers its tickets from its own sequence: creators never wait on each other; gaps are allowed. */
export async function nextNumber (db: Db, deskId: string): Promise<number> {
  const result = await db.execute<{ n: string }>(sql.raw(`select nextval('${deskSequenceName(deskId)}') as n`))
  return Number((result as unknown as { rows: Array<{ n: string }> }).rows[0]!.n)
}
