import { and, asc, desc, eq, getTableName, inArray, lte, sql } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.js'
import { calendarRevision, slaClocks, slaPolicies, slaPolicyVersions, ticketClockRevisions, ticketEvents } from '../../db/schema.js'
import { isUuid } from '../../shared/ids.js'
import type { ClockIndexColumns } from './clock-index.js'

export type PolicyRow = typeof slaPolicies.$inferSelect

export async function insertPolicy (db: Db, values: typeof slaPolicies.$inferInsert) {
  const [row] = await db.insert(slaPolicies).values(values).returning()
  return row!
}

export async function nextPosition (db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(max(${slaPolicies.position}) + 1, 0)::int` }).from(slaPolicies)
  return row?.n ?? 0
}

export async function findPolicy (db: Db, id: string, forUpdate = false) {
  if (!isUuid(id)) return undefined
  const query = db.select().from(slaPolicies).where(eq(slaPolicies.id, id))
  const [row] = forUpdate ? await query.for('update') : await query
  return row
}

export async function updatePolicy (db: Db, id: string, patch: Partial<typeof slaPolicies.$inferInsert>) {
  const [row] = await db.update(slaPolicies).set({ ...patch, version: sql`${slaPolicies.version} + 1` }).where(eq(slaPolicies.id, id)).returning()
  return row!
}

/** Policies in precedence order (position, then age). */
export async function listPolicies (db: Db, onlyActive: boolean) {
  return db.select().from(slaPolicies).where(onlyActive ? eq(slaPolicies.isActive, true) : undefined)
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt), asc(slaPolicies.id))
}

export async function insertPolicyVersion (db: Db, values: typeof slaPolicyVersions.$inferInsert) {
  await db.insert(slaPolicyVersions).values(values)
}

export async function listPolicyVersions (db: Db, policyId: string) {
  return db.select().from(slaPolicyVersions).where(eq(slaPolicyVersions.policyId, policyId)).orderBy(desc(slaPolicyVersions.version))
}

export type ClockRow = typeof slaClocks.$inferSelect

/**
 * A clock as views need it, with the revision its ticket's clocks had (see clockRevisionOf) and
 * the calendar revision of the snapshot it was read in: a compiled calendar cached at that
 * revision or later is current for it (see ./calendar-cache.ts). `ticketRevision` is null only
 * when the revision row was removed by hand.
 */
export interface StoredClock { id: string, ticketId: string, kind: string, state: unknown, ticketRevision: number | null, calendarRevision: number }

const revisionNow = () => sql<number>`(select ${calendarRevision.revision} from ${calendarRevision})`

/**
 * Which state the clocks of the ticket whose id is `ticketId` are in, selected next to the
 * ticket's columns so that one statement reads both: null when it has none, else
 * `<calendar revision>;<ticket clock revision>`. Triggers draw a new ticket clock revision in
 * every statement that writes the ticket's clocks, so a reader that kept the clocks read at that
 * revision (./clock-reads.ts) needs nothing more, and one that did not reads them with
 * findStoredClocks. One primary-key probe, whatever the number of clocks.
 */
export const clockRevisionOf = (ticketId: PgColumn) => sql<string | null>`(
  select ${revisionNow()} || ';' || r.revision from ${ticketClockRevisions} r
  where r.ticket_id = ${sql.identifier(getTableName(ticketId.table))}.${sql.identifier(ticketId.name)})`

export async function insertClocks (db: Db, rows: Array<typeof slaClocks.$inferInsert>) {
  if (rows.length > 0) await db.insert(slaClocks).values(rows)
}

/** A ticket's clocks, locked: concurrent changes to one ticket's clocks run one after another. */
export async function findClocksForUpdate (db: Db, ticketId: string) {
  return db.select().from(slaClocks).where(eq(slaClocks.ticketId, ticketId)).orderBy(asc(slaClocks.createdAt), asc(slaClocks.id)).for('update')
}

export async function findClocks (db: Db, ticketIds: readonly string[]) {
  if (ticketIds.length === 0) return []
  return db.select().from(slaClocks).where(inArray(slaClocks.ticketId, [...ticketIds]))
    .orderBy(asc(slaClocks.createdAt), asc(slaClocks.kind), asc(slaClocks.metric), asc(slaClocks.id))
}

/** The clocks of some tickets as views need them (see StoredClock), in the order of findClocks. */
export async function findStoredClocks (db: Db, ticketIds: readonly string[]): Promise<StoredClock[]> {
  if (ticketIds.length === 0) return []
  return await db.select({ id: slaClocks.id, ticketId: slaClocks.ticketId, kind: slaClocks.kind, state: slaClocks.state, ticketRevision: ticketClockRevisions.revision, calendarRevision: revisionNow().mapWith(Number) })
    .from(slaClocks)
    .leftJoin(ticketClockRevisions, eq(ticketClockRevisions.ticketId, slaClocks.ticketId))
    .where(inArray(slaClocks.ticketId, [...ticketIds]))
    .orderBy(asc(slaClocks.createdAt), asc(slaClocks.kind), asc(slaClocks.metric), asc(slaClocks.id))
}

export async function updateClock (db: Db, id: string, patch: ClockIndexColumns & { state: unknown, triggers?: unknown, goalMinutes?: unknown, pauseOn?: string[], warnAt?: number[], updatedAt: Date }) {
  await db.update(slaClocks).set(patch).where(eq(slaClocks.id, id))
}

/**
 * Writes many clocks' states and index instants in one statement (the sweep's batch): one
 * round trip however many clocks a sweep fires.
 */
export async function updateClocks (db: Db, rows: ReadonlyArray<ClockIndexColumns & { id: string, state: unknown, updatedAt: Date }>) {
  if (rows.length === 0) return
  const at = (d: Date | null) => d === null ? null : d.toISOString()
  const values = sql.join(rows.map(r =>
    sql`(${r.id}::uuid, ${JSON.stringify(r.state)}::jsonb, ${at(r.nextDueAt)}::timestamptz, ${at(r.dueAt)}::timestamptz, ${at(r.breachAt)}::timestamptz, ${at(r.atRiskAt)}::timestamptz, ${at(r.updatedAt)}::timestamptz)`), sql`, `)
  await db.execute(sql`update ${slaClocks} set state = v.state, next_due_at = v.next_due_at, due_at = v.due_at, breach_at = v.breach_at, at_risk_at = v.at_risk_at, updated_at = v.updated_at
    from (values ${values}) as v(id, state, next_due_at, due_at, breach_at, at_risk_at, updated_at) where ${slaClocks.id} = v.id`)
}

/**
 * Clocks whose next warning or breach is due, oldest first, locked without waiting: several
 * instances sweep at once and each due clock is taken by exactly one of them.
 */
export async function claimDueClocks (db: Db, now: Date, limit: number) {
  return db.select().from(slaClocks).where(lte(slaClocks.nextDueAt, now)).orderBy(asc(slaClocks.nextDueAt)).limit(limit).for('update', { skipLocked: true })
}

/** Clocks whose current cycle is still open, optionally of some tickets or policies, by ticket. */
export async function findOpenClocks (db: Db, filter: { ticketIds?: readonly string[] | undefined, policyIds?: readonly string[] | undefined }, limit: number) {
  return db.select().from(slaClocks).where(and(
    sql`${slaClocks.state}->>'stoppedAt' is null and ${slaClocks.state}->>'cancelledAt' is null`,
    filter.ticketIds === undefined ? undefined : inArray(slaClocks.ticketId, [...filter.ticketIds]),
    filter.policyIds === undefined ? undefined : inArray(slaClocks.policyId, [...filter.policyIds])
  )).orderBy(asc(slaClocks.ticketId), asc(slaClocks.id)).limit(limit)
}

/** A ticket's whole timeline, oldest first. */
export async function listTimeline (db: Db, ticketId: string) {
  return db.select({ type: ticketEvents.type, actorId: ticketEvents.actorId, before: ticketEvents.before, after: ticketEvents.after, occurredAt: ticketEvents.occurredAt })
    .from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id))
}

export const COMPLIANCE_GROUPS = ['policy', 'service', 'team', 'priority', 'desk'] as const
export type ComplianceGroup = typeof COMPLIANCE_GROUPS[number]

/**
 * Met and breached counts of the clock cycles that ended in [from, to), per group: the completed
 * cycles kept in each clock's state and the current cycle when it has stopped (its verdict is the
 * breach instant stored when it stopped). Cancelled cycles never count. `deskIds` limits the
 * tickets (undefined: all).
 */
export async function complianceCounts (db: Db, range: { from: Date, to: Date }, groupBy: ComplianceGroup, deskIds: readonly string[] | undefined) {
  const key = {
    policy: sql`cycles.policy_id::text`,
    service: sql`t.service_id::text`,
    team: sql`t.team_id::text`,
    priority: sql`t.priority`,
    desk: sql`t.desk_id::text`
  }[groupBy]
  const label = {
    policy: sql`(select p.definition->>'name' from sla_policies p where p.id = cycles.policy_id)`,
    service: sql`null::text`,
    team: sql`(select tm.name from teams tm where tm.id = t.team_id)`,
    priority: sql`t.priority`,
    desk: sql`(select d.key from desks d where d.id = t.desk_id)`
  }[groupBy]
  const visible = deskIds === undefined ? sql`true` : deskIds.length === 0 ? sql`false` : sql`t.desk_id in (${sql.join(deskIds.map(id => sql`${id}::uuid`), sql`, `)})`
  const result = await db.execute(sql`
    with cycles as (
      select c.ticket_id, c.policy_id, (c.state->>'stoppedAt')::bigint as ended_at, c.breach_at is not null as breached
        from sla_clocks c
       where c.state->>'stoppedAt' is not null and c.state->>'cancelledAt' is null
      union all
      select c.ticket_id, c.policy_id, (cc->>'stoppedAt')::bigint, cc->>'result' = 'breached'
        from sla_clocks c cross join lateral jsonb_array_elements(c.state->'completedCycles') cc
       where cc->>'result' in ('met', 'breached')
    )
    select ${key} as "key", min(${label}) as "label",
           (count(*) filter (where not cycles.breached))::int as "met",
           (count(*) filter (where cycles.breached))::int as "breached"
      from cycles join tickets t on t.id = cycles.ticket_id
     where cycles.ended_at >= ${range.from.getTime()} and cycles.ended_at < ${range.to.getTime()} and ${visible}
     group by 1 order by 1 nulls last`)
  return (result as unknown as { rows: Array<{ key: string | null, label: string | null, met: number, breached: number }> }).rows
}
