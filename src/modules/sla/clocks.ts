import type { Db } from '../../db/client.js'
import { ticketEvents } from '../../db/schema.js'
import type { Clock } from '../../shared/clock.js'
import { NotFoundError } from '../../shared/errors.js'
import { worksDesk, type Principal } from '../../shared/principal.js'
import { explainSpans } from './business-time.js'
import type { Priority } from '../tickets/priority.js'
import type { TicketType } from '../workflows/definition.js'
import { findUserById } from '../users/repository.js'
import type { TicketChange, TicketService } from '../tickets/service.js'
import type { CalendarCache, ResolvedCalendar } from './calendar-cache.js'
import { dueEvents, isClockOpen, markFired, type ClockState } from './clock.js'
import { openClock, startsCycle, stepClock, type ClockChange, type ClockConfig, type ClockEffect } from './clock-step.js'
import { applicablePolicies, boundTeamOf, type PolicyDefinition, type TicketFacts } from './policy.js'
import { actionFor, triggersOf, type TicketEvent, type Triggers } from './triggers.js'
import { indexColumns as indexed } from './clock-index.js'
import * as repo from './repository.js'
import { createClockCache, isSeenBy, parseClockRevision, type KeptClock, type TicketClocks } from './clock-reads.js'
import type { ClockViewer, IdentifiedClockView } from './clock-view-memo.js'
import { createClockJsonSets } from './clock-json-sets.js'
import type { CompiledCalendar } from './compiled-calendar.js'
import type { ByteWriter } from '../../shared/byte-writer.js'
import { findShownTicket, findTicket } from '../tickets/repository.js'
import type { Ticket } from '../tickets/schema.js'
import { calendarRefFor } from './calendar-source.js'

const MS_PER_MINUTE = 60_000
type TicketFields = { type: TicketType, priority: Priority, deskId: string, serviceId: string | null, teamId: string | null, requesterId: string, status: string, statusCategory: string }
type ActivePolicy = PolicyDefinition & { row: repo.PolicyRow }

const startsWithTicket = (policy: PolicyDefinition) => triggersOf(policy).startOn.some(c => c.on === 'created')

/** The ticket change as the triggers see it; null for changes that start, stop, cancel or reset nothing. */
function ticketEventOf (change: TicketChange, byAgent: boolean): TicketEvent | null {
  if (change.type === 'ticket.status_changed') {
    return { kind: 'status', status: String(change.after?.status), category: String(change.after?.statusCategory), fromCategory: String(change.before?.statusCategory) }
  }
  if (change.type === 'comment.added') return { kind: 'reply', by: byAgent ? 'agent' : 'requester' }
  if (change.type === 'ticket.updated' && change.after !== null && 'teamId' in change.after) return { kind: 'team', teamId: (change.after.teamId as string | null) ?? null }
  return null
}
const ENDED = new Set(['resolved', 'closed'])

export type TicketClockView = IdentifiedClockView

type Render<T> = (viewer: ClockViewer, calendar: CompiledCalendar, now: number) => T
/** Calendars looked up during one call, by id, so each is read once. */
type ColdCalendars = Map<string | null, Promise<ResolvedCalendar>>
const asView: Render<TicketClockView> = (viewer, calendar, now) => viewer.view(calendar, now)
/** Appends clocks' JSON to a writer, separated by commas. */
export type ClockJsonWriter = (out: ByteWriter) => void
const asJson: Render<ClockJsonWriter> = (viewer, calendar, now) => (out) => viewer.writeJson(calendar, now, out)
const WRITE_NOTHING: ClockJsonWriter = () => {}
const COMMA = 0x2c
const NO_CLOCKS: readonly KeptClock[] = []

/** A timeline event of the clock's own (paused, resumed, met, warning, breached): the actor is the system. */
function eventRow (ticketId: string, type: string, state: ClockState, at: Date, extra: Record<string, unknown>) {
  return {
    ticketId,
    type,
    actorId: null,
    occurredAt: at,
    isInternal: state.kind !== 'sla',
    before: null,
    after: { policyId: state.policyId, kind: state.kind, metric: state.metric, cycle: state.cycle, ...extra }
  }
}

/**
 * Ticket clocks: attached when a ticket is opened, moved by its status, priority and replies in
 * the same transaction as the change, read exactly at request time, and swept for warnings and
 * breaches through an index.
 */
export function createClockService ({ db, clock, calendars, tickets }: { db: Db, clock: Clock, calendars: CalendarCache, tickets: TicketService }) {
  const kept = createClockCache()
  const jsonSetFor = createClockJsonSets(calendars.cachedAt)
  /** Timeline events for the clock's own changes (paused, resumed, met); actor is the system. */
  async function record (tx: Db, ticketId: string, type: string, state: ClockState, at: Date, extra: Record<string, unknown> = {}) {
    await tx.insert(ticketEvents).values(eventRow(ticketId, type, state, at, extra))
  }

  async function activePolicies (tx: Db) {
    return (await repo.listPolicies(tx, true)).map(row => ({ row, ...(row.definition as PolicyDefinition) }))
  }

  /** The facts applicability looks at; the requester's organisation decides, also when an agent opens on their behalf. */
  async function factsOf (tx: Db, ticket: TicketFields, actor: Principal): Promise<TicketFacts> {
    const organizationId = ticket.requesterId === actor.userId ? actor.organizationId : (await findUserById(tx, ticket.requesterId))?.organizationId ?? null
    return { ...ticket, organizationId }
  }

  /** A new clock row for the policy, its first cycle starting at `at` (paused at once when the ticket's status pauses it). */
  async function newClock (tx: Db, ticketId: string, ticket: TicketFields, policy: ActivePolicy, at: Date) {
    const { calendar, calendarId } = await calendars(tx, await calendarRefFor(tx, policy, ticket))
    const { state, effects } = openClock({ policyId: policy.row.id, policyVersion: policy.row.version, kind: policy.kind, metric: policy.metric, goalMs: policy.goalMinutes[ticket.priority] * MS_PER_MINUTE, calendarId }, calendar, at.getTime(), ticket.status, policy.pauseOn)
    const row = { ticketId, policyId: policy.row.id, kind: policy.kind, metric: policy.metric, teamId: boundTeamOf(policy), triggers: triggersOf(policy), goalMinutes: policy.goalMinutes, pauseOn: policy.pauseOn, warnAt: policy.warnAt, state, ...indexed(state, calendar, policy.warnAt), createdAt: at, updatedAt: at }
    return { row, effects }
  }

  /** Inserts new clocks, then records what their opening did (sla.paused for one that starts paused). */
  async function insertNew (tx: Db, fresh: ReadonlyArray<Awaited<ReturnType<typeof newClock>>>) {
    await repo.insertClocks(tx, fresh.map(f => f.row))
    for (const { row, effects } of fresh) for (const effect of effects) await recordEffect(tx, row.ticketId, row.state, effect)
  }

  async function attach (tx: Db, change: TicketChange) {
    const ticket = change.after as TicketFields
    const policies = await activePolicies(tx)
    if (policies.length === 0) return
    const rows = []
    for (const policy of applicablePolicies(policies, await factsOf(tx, ticket, change.actor))) {
      if (startsWithTicket(policy)) rows.push(await newClock(tx, change.ticketId, ticket, policy, change.at))
    }
    await insertNew(tx, rows)
  }

  /**
   * Team-bound (OLA, UC) clocks follow the team holding the ticket: the cycle of a team that no
   * longer holds it ends (met within the goal, else breached); for the holder, each applicable
   * team-bound policy that starts with the ticket gets a cycle: a new clock, or a new cycle of its
   * clock when the team comes back. Nothing starts while the ticket is resolved or closed; a
   * policy with its own `startOn` starts on that event while the team holds the ticket. This is
   * the handover part of the step (./clock-step.ts) alone; onTicketChange then steps every clock
   * with the rest of the change. Leaving teams go first, then the holder's policies in their order.
   */
  async function followHolder (tx: Db, rows: repo.ClockRow[], ticket: TicketFields, change: TicketChange) {
    const handover = (rejoins: boolean): ClockChange => ({
      event: null,
      holder: ticket.teamId,
      ticketPriority: ticket.priority,
      handover: { status: ticket.status, statusCategory: ticket.statusCategory, rejoins }
    })
    const steps: Array<[repo.ClockRow, ClockChange]> = rows
      .filter(row => row.teamId !== null && row.teamId !== ticket.teamId && isClockOpen(row.state as ClockState))
      .map(row => [row, handover(false)])
    const fresh = []
    if (ticket.teamId !== null && !ENDED.has(ticket.statusCategory)) {
      const holderPolicies = (await activePolicies(tx)).filter(p => boundTeamOf(p) === ticket.teamId)
      for (const policy of applicablePolicies(holderPolicies, await factsOf(tx, ticket, change.actor))) {
        if (!startsWithTicket(policy)) continue
        const row = rows.find(r => r.policyId === policy.row.id)
        if (row === undefined) fresh.push(await newClock(tx, change.ticketId, ticket, policy, change.at))
        else if (!isClockOpen(row.state as ClockState)) steps.push([row, handover(true)])
      }
    }
    await stepAll(tx, steps, change.at)
    await insertNew(tx, fresh)
  }

  /**
   * Clocks that begin on this event rather than with the ticket: applicable policies without a
   * clock whose startOn matches (a team-bound one also when its holder took the ticket while it
   * was resolved and it now reopens). Precedence is decided over all policies, as on open.
   */
  async function startLate (tx: Db, rows: repo.ClockRow[], ticket: TicketFields, change: TicketChange, event: TicketEvent) {
    const policies = await activePolicies(tx)
    const fresh = []
    for (const policy of applicablePolicies(policies, await factsOf(tx, ticket, change.actor))) {
      if (startsWithTicket(policy) && boundTeamOf(policy) === null) continue
      if (rows.some(r => r.policyId === policy.row.id) || actionFor(triggersOf(policy), event, false) !== 'start') continue
      fresh.push(await newClock(tx, change.ticketId, ticket, policy, change.at))
    }
    await insertNew(tx, fresh)
  }

  /** The clock's policy as its row keeps it (the conditions and goals it started with, or was recalculated to). */
  function configOf (row: repo.ClockRow): ClockConfig {
    const state = row.state as ClockState
    return {
      triggers: triggersOf({ metric: state.metric, ...(row.triggers as Partial<Triggers> | null) }),
      pauseOn: row.pauseOn,
      goalMinutes: row.goalMinutes as Record<string, number>,
      warnAt: row.warnAt,
      teamId: row.teamId
    }
  }

  /**
   * Pure steps of some rows' clocks (./clock-step.ts), in order: each step's effects go on the
   * timeline in order, then the changed states are written in one statement, so the trigger
   * that draws the ticket's clock revision (migration 0013) runs once per change, not per clock.
   */
  async function stepAll (tx: Db, steps: ReadonlyArray<readonly [repo.ClockRow, ClockChange]>, at: Date) {
    const writes = []
    for (const [row, change] of steps) {
      const state = row.state as ClockState
      const { calendar } = await calendars(tx, state.calendarId)
      const next = stepClock(state, configOf(row), change, at.getTime(), calendar)
      for (const effect of next.effects) await recordEffect(tx, row.ticketId, state, effect)
      // A step never moves a clock to another calendar: the one it stepped under indexes it.
      if (next.state !== state) writes.push({ id: row.id, state: next.state, ...indexed(next.state, calendar, row.warnAt), updatedAt: at })
    }
    await repo.updateClocks(tx, writes)
  }

  async function recordEffect (tx: Db, ticketId: string, state: ClockState, effect: ClockEffect) {
    const { type, at, cycle, ...extra } = effect
    await record(tx, ticketId, type, { ...state, cycle }, new Date(at), extra)
  }

  /**
   * Clocks read with the tickets they belong to, each rendered by `render` (a view, or a writer of its
   * JSON): customer SLA clocks for everyone, OLA and UC clocks only on tickets of desks the
   * caller works. A clock's calendar costs no query when it was compiled at the revision the
   * clock was read at or later; else it is read once per call.
   */
  async function renderStored<T> (actor: Principal, visible: ReadonlyArray<{ id: string, deskId: string }>, read: readonly TicketClocks[], render: Render<T>): Promise<Map<string, T[]>> {
    const now = clock.now().getTime()
    const internalOn = new Set(visible.filter(t => worksDesk(actor, t.deskId)).map(t => t.id))
    const byTicket = new Map<string, T[]>()
    const cold: ColdCalendars = new Map()
    for (const { ticketId, calendarRevision, clocks } of read) {
      const rendered = await renderClocks(clocks, internalOn.has(ticketId), calendarRevision, render, now, cold)
      if (rendered.length > 0) byTicket.set(ticketId, rendered)
    }
    return byTicket
  }

  /**
   * One ticket's clocks the caller may see (`internal`: OLA and UC clocks too), rendered at `now`
   * under the calendars `calendarOf` finds; undefined as soon as it finds none for one of them.
   */
  function renderWith<T> (clocks: readonly KeptClock[], internal: boolean, render: Render<T>, now: number, calendarOf: (calendarId: string | null) => ResolvedCalendar | undefined): T[] | undefined {
    const rendered: T[] = []
    for (const keptClock of clocks) {
      if (!isSeenBy(keptClock, internal)) continue
      const { state, viewer } = keptClock
      const resolved = calendarOf(state.calendarId)
      if (resolved === undefined) return undefined
      rendered.push(render(viewer, resolved.calendar, now))
    }
    return rendered
  }

  /**
   * renderWith under the calendars as they stood at `calendarRevision`: without a promise when
   * each is compiled at that revision or later (the usual case), else after reading those that
   * are not, each once per `cold` (one call).
   */
  function renderClocks<T> (clocks: readonly KeptClock[], internal: boolean, calendarRevision: number, render: Render<T>, now: number, cold: ColdCalendars = new Map()): T[] | Promise<T[]> {
    const warm = (calendarId: string | null) => calendars.cachedAt(calendarId, calendarRevision)
    return renderWith(clocks, internal, render, now, warm) ?? (async () => {
      const read = new Map<string | null, ResolvedCalendar>()
      for (const keptClock of clocks) {
        const { state } = keptClock
        if (!isSeenBy(keptClock, internal) || warm(state.calendarId) !== undefined || read.has(state.calendarId)) continue
        if (!cold.has(state.calendarId)) cold.set(state.calendarId, calendars.atRevision(db, state.calendarId, calendarRevision))
        read.set(state.calendarId, await cold.get(state.calendarId)!)
      }
      return renderWith(clocks, internal, render, now, (calendarId) => read.get(calendarId) ?? warm(calendarId))!
    })()
  }

  /**
   * A ticket the caller may see, with the kept clocks its row names (read when not kept), whether
   * the caller sees its OLA and UC clocks, and the calendar revision of the read.
   */
  async function readKept (actor: Principal, idOrKey: string) {
    const { row } = await tickets.loadWith(db, actor, idOrKey, findShownTicket)
    if (row.clocks === null) return { ticket: row.ticket, clocks: NO_CLOCKS, internal: false, calendarRevision: 0 }
    const { calendarRevision, ticketRevision } = parseClockRevision(row.clocks)
    const clocks = kept.named(ticketRevision) ?? kept.keep(await repo.findStoredClocks(db, [row.id]))[0]?.clocks ?? NO_CLOCKS
    return { ticket: row.ticket, clocks, internal: worksDesk(actor, row.deskId), calendarRevision }
  }

  /** A ticket the caller may see, with its clocks as they stand now rendered by `render`. */
  async function readTicketWith<T> (actor: Principal, idOrKey: string, render: Render<T>): Promise<{ ticket: Ticket, sla: T[] }> {
    const { ticket, clocks, internal, calendarRevision } = await readKept(actor, idOrKey)
    if (clocks.length === 0) return { ticket, sla: [] }
    const rendered = renderClocks(clocks, internal, calendarRevision, render, clock.now().getTime())
    return { ticket, sla: Array.isArray(rendered) ? rendered : await rendered }
  }

  return {
    /** The ticket observer: keeps clocks in step with the change, in its transaction. */
    async onTicketChange (tx: Db, change: TicketChange): Promise<void> {
      if (change.type === 'ticket.created') return attach(tx, change)
      const reassigned = change.type === 'ticket.updated' && change.after !== null && 'teamId' in change.after
      const isReply = change.type === 'comment.added' && change.after?.visibility === 'public'
      const relevant = change.type === 'ticket.status_changed' || reassigned || isReply || (change.type === 'ticket.updated' && change.after?.priority !== undefined)
      if (!relevant) return
      let rows = await repo.findClocksForUpdate(tx, change.ticketId)
      // Policies that may start a clock on this event: their own startOn, or team-bound ones whose holder has no clock yet.
      const latecomers = (await activePolicies(tx)).filter(p => !startsWithTicket(p) || boundTeamOf(p) !== null)
      const needsTicket = reassigned || isReply || latecomers.length > 0 || rows.some(r => r.teamId !== null)
      const loaded = needsTicket ? await tickets.load(tx, change.actor, change.ticketId) : undefined
      const ticket = loaded?.row as TicketFields | undefined
      if (reassigned) {
        await followHolder(tx, rows, ticket!, change)
        rows = await repo.findClocksForUpdate(tx, change.ticketId)
      }
      const event = ticketEventOf(change, loaded?.access === 'agent')
      const holder = ticket?.teamId ?? null
      // A team's clock stands still while another team holds the ticket: the step would leave it, so skip reading its calendar.
      const moving = rows.filter(row => row.teamId === null || row.teamId === holder)
      const isPriorityChange = change.type === 'ticket.updated' && change.after?.priority !== undefined
      // A new cycle runs under the goal of the priority the ticket has now, which a status change
      // does not carry: read it then, and only then.
      let ticketPriority = ticket?.priority ?? (isPriorityChange ? String(change.after!.priority) : null)
      if (ticketPriority === null && moving.some(row => startsCycle(row.state as ClockState, configOf(row), event))) {
        ticketPriority = (await findTicket(tx, change.ticketId))!.priority
      }
      await stepAll(tx, moving.map(row => [row, { event, holder, ticketPriority, isPriorityChange }] as const), change.at)
      if (event !== null && latecomers.length > 0) await startLate(tx, rows, ticket!, change, event)
    },

    /** A ticket's clocks exactly as they stand now; OLA and UC clocks are for the desk's agents only. */
    async forTicket (actor: Principal, idOrKey: string): Promise<TicketClockView[]> {
      return (await this.readTicket(actor, idOrKey)).sla
    },

    /**
     * A ticket the caller may see with its clocks as they stand now. One statement when this
     * process keeps the versions of the clocks that the ticket's row names; after a clock changed
     * (or on first sight) their states are read in a second one.
     */
    async readTicket (actor: Principal, idOrKey: string): Promise<{ ticket: Ticket, sla: TicketClockView[] }> {
      return await readTicketWith(actor, idOrKey, asView)
    },

    /**
     * readTicket for a response that is written as bytes: the clocks as one function that appends
     * their views' JSON (JSON.stringify of each view, UTF-8 encoded, comma separated) to a writer.
     */
    async readTicketAsJson (actor: Principal, idOrKey: string): Promise<{ ticket: Ticket, sla: ClockJsonWriter }> {
      const { ticket, clocks, internal, calendarRevision } = await readKept(actor, idOrKey)
      if (clocks.length === 0) return { ticket, sla: WRITE_NOTHING }
      const now = clock.now().getTime()
      const set = jsonSetFor(clocks, internal, calendarRevision, now)
      if (set !== undefined) return { ticket, sla: (out) => set.write(out, now) }
      // A clock with an open pause, one whose latest record is later than now, or a calendar to
      // read first: each clock writes its own.
      const rendered = renderClocks(clocks, internal, calendarRevision, asJson, now)
      const writers = Array.isArray(rendered) ? rendered : await rendered
      return { ticket, sla: (out) => writers.forEach((write, i) => { if (i > 0) out.byte(COMMA); write(out) }) }
    },

    /**
     * Why a clock says what it says: its current cycle from start to stop (or now) split into
     * spans that were counted (working time) or not (outside the calendar, a holiday, a pause).
     */
    async explain (actor: Principal, idOrKey: string, clockId: string) {
      const { row: ticket } = await tickets.load(db, actor, idOrKey)
      const row = (await repo.findClocks(db, [ticket.id])).find(c => c.id === clockId)
      if (row === undefined || (row.kind !== 'sla' && !worksDesk(actor, ticket.deskId))) throw new NotFoundError('NOT_FOUND', `Clock ${clockId} does not exist on ${ticket.key}`)
      const state = row.state as ClockState
      const { calendar, timeZone } = await calendars(db, state.calendarId)
      const until = state.stoppedAt ?? state.cancelledAt ?? Math.max(clock.now().getTime(), state.startedAt)
      const spans = explainSpans(calendar, state.startedAt, until, state.pauses).map(span => {
        const pause = span.reason === 'pause' ? state.pauses.find(p => p.from <= span.from && (p.to === null || p.to > span.from)) : undefined
        return {
          from: new Date(span.from).toISOString(),
          to: new Date(span.to).toISOString(),
          ms: span.to - span.from,
          counted: span.counted,
          reason: span.reason,
          ...(pause !== undefined ? { pauseReason: pause.reason } : {})
        }
      })
      const countedMs = spans.reduce((sum, span) => span.counted ? sum + span.ms : sum, 0)
      return { clockId: row.id, cycle: state.cycle, from: new Date(state.startedAt).toISOString(), to: new Date(until).toISOString(), countedMs, goalMs: state.goalMs, timeZone, spans }
    },

    /**
     * Clock views for tickets the caller already sees, in one query (GraphQL loaders): customer
     * SLA clocks for everyone, OLA and UC clocks only on tickets of desks the caller works.
     */
    async views (actor: Principal, visible: ReadonlyArray<{ id: string, deskId: string }>): Promise<Map<string, TicketClockView[]>> {
      return await renderStored(actor, visible, kept.keep(await repo.findStoredClocks(db, visible.map(t => t.id))), asView)
    },

    /**
     * One sweep: fire what is due on up to `limit` clocks. Safe to run on every instance at once.
     * Batched: the claim, one read per distinct calendar, one insert of every event fired and
     * one update of every clock taken (a clock the index called due that owes nothing, after a
     * moved goal, gets its index entry refreshed).
     */
    async sweep (limit = 200): Promise<number> {
      const now = clock.now()
      return db.transaction(async (tx) => {
        const due = await repo.claimDueClocks(tx, now, limit)
        const calendarOf = new Map<string | null, ReturnType<CalendarCache>>()
        const events: Array<ReturnType<typeof eventRow>> = []
        const updates = []
        for (const row of due) {
          const state = row.state as ClockState
          if (!calendarOf.has(state.calendarId)) calendarOf.set(state.calendarId, calendars(tx, state.calendarId))
          const { calendar } = await calendarOf.get(state.calendarId)!
          const owed = dueEvents(state, calendar, now.getTime(), row.warnAt)
          for (const event of owed) {
            events.push(eventRow(row.ticketId, event.type, state, new Date(event.at), event.type === 'sla.warning' ? { threshold: event.threshold } : {}))
          }
          const fired = owed.length === 0 ? state : markFired(state, owed)
          updates.push({ id: row.id, state: fired, ...indexed(fired, calendar, row.warnAt), updatedAt: now })
        }
        if (events.length > 0) await tx.insert(ticketEvents).values(events)
        await repo.updateClocks(tx, updates)
        return due.length
      })
    }
  }
}
export type ClockService = ReturnType<typeof createClockService>
