import type { Db } from '../../db/client.js'
import { ticketEvents } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import { ValidationError } from '../../shared/errors.js'
import { isUuid } from '../../shared/ids.js'
import { requireAdmin, type Principal } from '../../shared/principal.js'
import { isDeskMember } from '../desks/repository.js'
import { findTicketsByIds } from '../tickets/repository.js'
import { findUserById } from '../users/repository.js'
import type { CalendarCache } from './calendar-cache.js'
import { viewClock, type ClockState } from './clock.js'
import { indexColumns } from './clock-index.js'
import type { PolicyDefinition } from './policy.js'
import { triggersOf } from './triggers.js'
import { replayCycle, type TimelineEvent } from './replay.js'
import * as repo from './repository.js'
import { calendarRefFor } from './calendar-source.js'
import type { RecalculateRequest, RecalculateResponse } from './schema.js'

/** One call recomputes at most this many clocks; narrow with ticketIds or policyIds beyond it. */
export const RECALCULATE_LIMIT = 1000

type ClockDiff = RecalculateResponse['clocks'][number]

/**
 * POST /v1/sla/recalculate: after a policy or calendar change, recomputes the current cycle of
 * each open clock from its ticket's timeline under the policy's current version (goals, pause
 * statuses, warnings, start/stop/cancel/reset conditions) and calendar, through the step the live
 * clocks take (./replay.ts); a team-bound clock stays bound to its row's team. A dry run reads and
 * answers the diff; a real run applies it one ticket per transaction, with the ticket's clocks
 * locked, stores the version's conditions and goals on the clock for its next live steps, and
 * records `sla.recalculated` on the timeline of each ticket whose clocks changed.
 */
export function createSlaRecalculation ({ db, clock, calendars }: { db: Db, clock: Clock, calendars: CalendarCache }) {
  async function recomputeTicket (tx: Db, actor: Principal, ticketId: string, clockIds: ReadonlySet<string>, apply: boolean, now: Date): Promise<ClockDiff[]> {
    const [ticket] = await findTicketsByIds(tx, [ticketId])
    if (ticket === undefined) return []
    const rows = (apply ? await repo.findClocksForUpdate(tx, ticketId) : await repo.findClocks(tx, [ticketId]))
      .filter(row => clockIds.has(row.id))
    const agents = new Map<string, boolean>()
    const timeline: TimelineEvent[] = []
    for (const event of await repo.listTimeline(tx, ticketId)) {
      const actorId = event.actorId
      if (actorId !== null && !agents.has(actorId)) agents.set(actorId, await worksDesk(tx, actorId, ticket.deskId))
      timeline.push({
        type: event.type,
        at: event.occurredAt.getTime(),
        before: event.before as Record<string, unknown> | null,
        after: event.after as Record<string, unknown> | null,
        byAgent: actorId !== null && agents.get(actorId) === true
      })
    }
    const diffs: ClockDiff[] = []
    for (const row of rows) {
      const before = row.state as ClockState
      if (before.stoppedAt !== null || before.cancelledAt !== null) continue
      const policy = await repo.findPolicy(tx, row.policyId)
      if (policy === undefined) continue
      const definition = policy.definition as PolicyDefinition
      const calendarRef = await calendarRefFor(tx, definition, ticket)
      const target = await calendars(tx, calendarRef)
      const current = await calendars(tx, before.calendarId)
      const triggers = triggersOf(definition)
      const replayPolicy = { version: policy.version, triggers, goalMinutes: definition.goalMinutes, pauseOn: definition.pauseOn, warnAt: definition.warnAt, teamId: row.teamId, calendarId: target.calendarId }
      const after = replayCycle(before, replayPolicy, target.calendar, timeline)
      // Views read calendars live, but the instants stored for lists and the sweep were computed
      // under the old calendar: `before.dueAt` of a running clock is the stored one.
      const viewed = figures(viewClock(before, current.calendar, now.getTime()))
      const figuresBefore = row.dueAt !== null ? { ...viewed, dueAt: row.dueAt.toISOString() } : viewed
      const figuresAfter = figures(viewClock(after, target.calendar, now.getTime()))
      const columns = indexColumns(after, target.calendar, definition.warnAt)
      const stored = [row.nextDueAt, row.dueAt, row.breachAt, row.atRiskAt].map(d => d?.getTime() ?? null)
      // Compared as tuples: a state read back from jsonb has its keys in another order.
      const ledger = (state: ClockState) => state.pauses.map(p => [p.from, p.to, p.reason])
      const figuresOf = (f: typeof viewed) => [f.dueAt, f.state, f.businessElapsedMs, f.goalMs, f.policyVersion]
      const changed = JSON.stringify([figuresOf(figuresBefore), ledger(before), before.cycle, before.calendarId, before.originalDueAt, stored]) !==
        JSON.stringify([figuresOf(figuresAfter), ledger(after), after.cycle, after.calendarId, after.originalDueAt, [columns.nextDueAt, columns.dueAt, columns.breachAt, columns.atRiskAt].map(d => d?.getTime() ?? null)])
      diffs.push({ clockId: row.id, ticketId, ticketKey: ticket.key, policyId: row.policyId, kind: before.kind, metric: before.metric, changed, before: figuresBefore, after: figuresAfter })
      if (!apply || !changed) continue
      await repo.updateClock(tx, row.id, {
        state: after,
        ...columns,
        triggers,
        goalMinutes: definition.goalMinutes,
        pauseOn: definition.pauseOn,
        warnAt: definition.warnAt,
        updatedAt: now
      })
      await tx.insert(ticketEvents).values({
        ticketId,
        type: 'sla.recalculated',
        actorId: actor.userId,
        occurredAt: now,
        isInternal: before.kind !== 'sla',
        before: { policyId: row.policyId, kind: before.kind, metric: before.metric, cycle: before.cycle, ...figuresBefore },
        after: { policyId: row.policyId, kind: after.kind, metric: after.metric, cycle: after.cycle, ...figuresAfter }
      })
    }
    return diffs
  }

  return {
    async recalculate (actor: Principal, request: RecalculateRequest): Promise<RecalculateResponse> {
      requireAdmin(actor)
      // GraphQL inputs arrive unchecked by the REST schema: the same limits, checked here.
      const problems = (['ticketIds', 'policyIds'] as const).flatMap(field => {
        const ids = request[field]
        if (ids === undefined) return []
        if (ids.length === 0 || ids.length > (field === 'ticketIds' ? 500 : 100)) return [{ path: `/${field}`, message: 'must list 1 to ' + (field === 'ticketIds' ? '500' : '100') + ' ids' }]
        return ids.flatMap((id, i) => isUuid(id) ? [] : [{ path: `/${field}/${i}`, message: 'is not an id' }])
      })
      if (problems.length > 0) throw new ValidationError(problems)
      const now = clock.now()
      const dryRun = request.dryRun === true
      const open = await repo.findOpenClocks(db, request, RECALCULATE_LIMIT + 1)
      if (open.length > RECALCULATE_LIMIT) {
        throw new ValidationError([{ path: '/ticketIds', message: `more than ${RECALCULATE_LIMIT} open clocks match; narrow the call with ticketIds or policyIds` }])
      }
      const clockIds = new Set(open.map(row => row.id))
      const clocks: ClockDiff[] = []
      for (const ticketId of new Set(open.map(row => row.ticketId))) {
        clocks.push(...(dryRun
          ? await recomputeTicket(db, actor, ticketId, clockIds, false, now)
          : await db.transaction(tx => recomputeTicket(tx, actor, ticketId, clockIds, true, now))))
      }
      return { dryRun, examined: clocks.length, changed: clocks.filter(c => c.changed).length, clocks }
    }
  }
}
export type SlaRecalculation = ReturnType<typeof createSlaRecalculation>

/**
 * Whether the actor of a past event counts as an agent of the desk, as the live clocks decided
 * when it happened (an admin works every desk, an agent the desks of their teams), by their roles
 * and teams as they stand now.
 */
async function worksDesk (tx: Db, userId: string, deskId: string): Promise<boolean> {
  const roles = (await findUserById(tx, userId))?.roles ?? []
  if (roles.includes('admin')) return true
  return roles.includes('agent') && await isDeskMember(tx, userId, deskId)
}

const figures = (view: ReturnType<typeof viewClock>) => ({
  dueAt: view.dueAt,
  state: view.state,
  businessElapsedMs: view.businessElapsedMs,
  goalMs: view.goalMs,
  policyVersion: view.policyVersion
})
