import type { Db } from '../../db/client.js'
import type { Clock } from '../../shared/clock.js'
import { NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js'
import { requireAdmin, requireAgent, type Principal } from '../../shared/principal.js'
import { findDesk, findTeamById } from '../desks/repository.js'
import { findCalendar } from '../calendars/repository.js'
import { priorityFor } from '../tickets/priority.js'
import { addBusinessMs } from './business-time.js'
import type { CalendarCache } from './calendar-cache.js'
import { applicablePolicies, checkBoundTeam, validatePolicy, type PolicyDefinition } from './policy.js'
import * as repo from './repository.js'
import { calendarRefFor } from './calendar-source.js'
import { TRIGGER_KEYS, triggersOf, validateTriggers } from './triggers.js'
import type { CreateSlaPolicy, SimulateRequest, SimulateResponse, SlaPolicy, UpdateSlaPolicy } from './schema.js'

/** The definition as clients see it: start/stop/cancel/reset conditions in force, defaults filled in. */
const effective = (definition: PolicyDefinition) => ({ ...definition, ...triggersOf(definition) })

const toPolicy = (row: repo.PolicyRow): SlaPolicy => ({
  id: row.id,
  position: row.position,
  version: row.version,
  active: row.isActive,
  ...effective(row.definition as PolicyDefinition),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString()
})

/** The given keys of `input` (omitted ones stay absent, so their defaults keep applying). */
const pick = <T extends object, K extends keyof T>(input: T, keys: readonly K[]) =>
  Object.fromEntries(keys.filter(k => input[k] !== undefined).map(k => [k, input[k]])) as Pick<T, K>

const policyNotFound = (id: string) => new NotFoundError('NOT_FOUND', `SLA policy ${id} does not exist`)
const MS_PER_MINUTE = 60_000

/** Versioned SLA/OLA/UC policies, and the simulation of which apply to a ticket and when they fall due. */
export function createSlaService ({ db, clock, calendars }: { db: Db, clock: Clock, calendars: CalendarCache }) {
  const calendarFor = calendars

  /** Resolves desk keys to ids and checks references; every problem is reported at once. */
  async function normalized (tx: Db, definition: PolicyDefinition): Promise<PolicyDefinition> {
    const problems: FieldError[] = [...validatePolicy(definition), ...validateTriggers(definition)]
    for (const key of TRIGGER_KEYS) {
      for (const [i, condition] of (definition[key] ?? []).entries()) {
        for (const [j, teamId] of (condition.teamIds ?? []).entries()) {
          if (await findTeamById(tx, teamId) === undefined) problems.push({ path: `/${key}/${i}/teamIds/${j}`, message: 'no such team' })
        }
      }
    }
    if (definition.calendarId !== null && await findCalendar(tx, definition.calendarId) === undefined) {
      problems.push({ path: '/calendarId', message: 'no such calendar' })
    }
    const teamProblem = definition.counterparty.teamId === undefined ? null : checkBoundTeam(definition, await findTeamById(tx, definition.counterparty.teamId))
    if (teamProblem !== null) problems.push({ path: '/counterparty/teamId', message: teamProblem })
    const deskIds: string[] = []
    for (const [i, ref] of (definition.appliesTo.deskIds ?? []).entries()) {
      const desk = await findDesk(tx, ref)
      if (desk === undefined) problems.push({ path: `/appliesTo/deskIds/${i}`, message: `no desk ${ref}` })
      else deskIds.push(desk.id)
    }
    if (problems.length > 0) throw new ValidationError(problems)
    return definition.appliesTo.deskIds === undefined ? definition : { ...definition, appliesTo: { ...definition.appliesTo, deskIds } }
  }

  return {
    async create (actor: Principal, input: CreateSlaPolicy): Promise<SlaPolicy> {
      requireAdmin(actor)
      const now = clock.now()
      return db.transaction(async (tx) => {
        const definition = await normalized(tx, {
          name: input.name,
          kind: input.kind,
          metric: input.metric,
          counterparty: input.counterparty ?? {},
          appliesTo: input.appliesTo ?? {},
          goalMinutes: input.goalMinutes,
          calendarSource: input.calendarSource ?? 'policy',
          calendarId: input.calendarId ?? null,
          pauseOn: input.pauseOn ?? [],
          warnAt: input.warnAt ?? [],
          ...pick(input, TRIGGER_KEYS)
        })
        const row = await repo.insertPolicy(tx, { position: input.position ?? await repo.nextPosition(tx), definition, createdAt: now, updatedAt: now })
        await repo.insertPolicyVersion(tx, { policyId: row.id, version: 1, definition, isActive: true, changedById: actor.userId, createdAt: now })
        return toPolicy(row)
      })
    },

    async list (actor: Principal): Promise<SlaPolicy[]> {
      requireAgent(actor)
      return (await repo.listPolicies(db, false)).map(toPolicy)
    },

    async get (actor: Principal, id: string): Promise<SlaPolicy> {
      requireAgent(actor)
      const row = await repo.findPolicy(db, id)
      if (row === undefined) throw policyNotFound(id)
      return toPolicy(row)
    },

    /** Every change makes a new version; clocks keep the version they started under. */
    async update (actor: Principal, id: string, patch: UpdateSlaPolicy): Promise<SlaPolicy> {
      requireAdmin(actor)
      const now = clock.now()
      return db.transaction(async (tx) => {
        const row = await repo.findPolicy(tx, id, true)
        if (row === undefined) throw policyNotFound(id)
        const { position, active, ...changes } = patch
        const definition = await normalized(tx, { ...(row.definition as PolicyDefinition), ...changes } as PolicyDefinition)
        const isActive = active ?? row.isActive
        const updated = await repo.updatePolicy(tx, row.id, { definition, isActive, position: position ?? row.position, updatedAt: now })
        await repo.insertPolicyVersion(tx, { policyId: row.id, version: updated.version, definition, isActive, changedById: actor.userId, createdAt: now })
        return toPolicy(updated)
      })
    },

    async versions (actor: Principal, id: string) {
      requireAgent(actor)
      if (await repo.findPolicy(db, id) === undefined) throw policyNotFound(id)
      return (await repo.listPolicyVersions(db, id)).map(v => ({
        version: v.version, active: v.isActive, definition: effective(v.definition as PolicyDefinition), changedById: v.changedById, createdAt: v.createdAt.toISOString()
      }))
    },

    /** Which active policies a hypothetical ticket would get, and when each would fall due from `startAt`. */
    async simulate (actor: Principal, request: SimulateRequest): Promise<SimulateResponse> {
      requireAgent(actor)
      const desk = await findDesk(db, request.ticket.deskId)
      if (desk === undefined) throw new ValidationError([{ path: '/ticket/deskId', message: `no desk ${request.ticket.deskId}` }])
      const priority = request.ticket.priority ?? priorityFor(request.ticket.impact ?? 'medium', request.ticket.urgency ?? 'medium')
      const facts = { ...request.ticket, deskId: desk.id, priority }
      const policies = (await repo.listPolicies(db, true)).map(row => ({ row, ...(row.definition as PolicyDefinition) }))
      const startMs = Date.parse(request.startAt)
      const clocks = []
      for (const policy of applicablePolicies(policies, facts)) {
        const { calendar, calendarId, timeZone } = await calendarFor(db, await calendarRefFor(db, policy, facts))
        const goalMs = policy.goalMinutes[priority] * MS_PER_MINUTE
        clocks.push({
          policyId: policy.row.id,
          policyVersion: policy.row.version,
          name: policy.name,
          kind: policy.kind,
          metric: policy.metric,
          goalMs,
          dueAt: new Date(addBusinessMs(calendar, startMs, goalMs)).toISOString(),
          calendarId,
          timeZone
        })
      }
      return { priority, clocks }
    }
  }
}
export type SlaService = ReturnType<typeof createSlaService>
