import type { Db } from '../../db/client.js'
import { isUniqueViolation } from '../../db/errors.js'
import type { Clock } from '../../shared/clock.js'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js'
import type { CalendarService } from '../calendars/service.js'
import { creationCursorOf, decodeCreationCursor } from '../../shared/creation-cursor.js'
import { toPage, type Page } from '../../shared/pagination.js'
import { isAgent, requireAdmin, requireAgent, type Principal } from '../../shared/principal.js'
import { findUserById } from '../users/repository.js'
import { toUser } from '../users/service.js'
import type { User } from '../users/schema.js'
import * as repo from './repository.js'
import type { CreateDesk, CreateTeam, Desk, Team, UpdateDesk, UpdateTeam } from './schema.js'

export const toDesk = (row: repo.DeskRow): Desk => ({ id: row.id, key: row.key, name: row.name, calendarId: row.calendarId, createdAt: row.createdAt.toISOString() })
export const toTeam = (row: repo.TeamRow): Team => ({ id: row.id, name: row.name, deskId: row.deskId, supplier: row.isSupplier, createdAt: row.createdAt.toISOString() })

const deskNotFound = (id: string) => new NotFoundError('DESK_NOT_FOUND', `Desk ${id} does not exist`)
const teamNotFound = (id: string) => new NotFoundError('TEAM_NOT_FOUND', `Team ${id} does not exist`)

export function createDeskService ({ db, clock, calendars, onMembershipChange }: { db: Db, clock: Clock, calendars: CalendarService, onMembershipChange: () => void }) {
  const checkCalendar = async (calendarId: string | null | undefined) => {
    if (calendarId != null && !await calendars.exists(calendarId)) throw new ValidationError([{ path: '/calendarId', message: 'no such calendar' }])
  }
  return {
    async create (actor: Principal, input: CreateDesk): Promise<Desk> {
      requireAdmin(actor)
      await checkCalendar(input.calendarId)
      try {
        return toDesk(await db.transaction(tx => repo.insertDesk(tx, input, clock.now())))
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('DESK_KEY_TAKEN', `Desk key ${input.key} is taken`)
        throw err
      }
    },

    /** Every caller may read desks: requesters need them to open tickets. */
    async get (_actor: Principal, idOrKey: string): Promise<Desk> {
      const row = await repo.findDesk(db, idOrKey)
      if (row === undefined) throw deskNotFound(idOrKey)
      return toDesk(row)
    },

    async list (_actor: Principal, limit: number, cursor?: string): Promise<Page<Desk>> {
      return toPage(await repo.listDesks(db, limit, decodeCreationCursor(cursor)), limit, creationCursorOf, toDesk)
    },

    async update (actor: Principal, idOrKey: string, patch: UpdateDesk): Promise<Desk> {
      requireAdmin(actor)
      const desk = await repo.findDesk(db, idOrKey)
      if (desk === undefined) throw deskNotFound(idOrKey)
      await checkCalendar(patch.calendarId)
      return toDesk((await repo.updateDesk(db, desk.id, patch))!)
    },

    async findMany (ids: readonly string[]): Promise<Desk[]> {
      return (await repo.findDesksByIds(db, ids)).map(toDesk)
    },

    async createTeam (actor: Principal, input: CreateTeam): Promise<Team> {
      requireAdmin(actor)
      const desk = await repo.findDesk(db, input.deskId)
      if (desk === undefined) throw deskNotFound(input.deskId)
      return toTeam(await repo.insertTeam(db, { name: input.name, deskId: desk.id, isSupplier: input.supplier ?? false }, clock.now()))
    },

    async updateTeam (actor: Principal, id: string, patch: UpdateTeam): Promise<Team> {
      requireAdmin(actor)
      if (patch.name === undefined && patch.supplier === undefined) throw new ValidationError([{ path: '', message: 'name or supplier is required' }])
      const row = await repo.updateTeam(db, id, { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.supplier !== undefined ? { isSupplier: patch.supplier } : {}) })
      if (row === undefined) throw teamNotFound(id)
      return toTeam(row)
    },

    async getTeam (actor: Principal, id: string): Promise<Team> {
      const row = await repo.findTeamById(db, id)
      if (row === undefined || (!isAgent(actor) && !actor.teamIds.includes(row.id))) throw teamNotFound(id)
      return toTeam(row)
    },

    async listTeams (actor: Principal, limit: number, cursor?: string, deskIdOrKey?: string): Promise<Page<Team>> {
      requireAgent(actor)
      let deskId: string | undefined
      if (deskIdOrKey !== undefined) {
        const desk = await repo.findDesk(db, deskIdOrKey)
        if (desk === undefined) throw deskNotFound(deskIdOrKey)
        deskId = desk.id
      }
      return toPage(await repo.listTeams(db, limit, decodeCreationCursor(cursor), deskId), limit, creationCursorOf, toTeam)
    },

    async findTeams (ids: readonly string[]): Promise<Team[]> {
      return (await repo.findTeamsByIds(db, ids)).map(toTeam)
    },

    async addMember (actor: Principal, teamId: string, userId: string): Promise<User> {
      requireAdmin(actor)
      if (await repo.findTeamById(db, teamId) === undefined) throw teamNotFound(teamId)
      const user = await findUserById(db, userId)
      if (user === undefined) throw new NotFoundError('USER_NOT_FOUND', `User ${userId} does not exist`)
      await repo.insertTeamMember(db, teamId, userId, clock.now())
      onMembershipChange()
      return toUser(user)
    },

    async removeMember (actor: Principal, teamId: string, userId: string): Promise<void> {
      requireAdmin(actor)
      if (await repo.findTeamById(db, teamId) === undefined) throw teamNotFound(teamId)
      if (!await repo.deleteTeamMember(db, teamId, userId)) throw new NotFoundError('USER_NOT_FOUND', `User ${userId} is not a member of team ${teamId}`)
      onMembershipChange()
    },

    async listMembers (actor: Principal, teamId: string): Promise<User[]> {
      requireAgent(actor)
      if (await repo.findTeamById(db, teamId) === undefined) throw teamNotFound(teamId)
      return (await repo.listTeamMembers(db, teamId)).map(r => toUser(r.user))
    }
  }
}
export type DeskService = ReturnType<typeof createDeskService>
