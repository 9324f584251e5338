import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { principalOf } from '../../http/auth.js'
import { withNextLink } from '../../http/lists.js'
import { errorResponses, IdParams, ListQuery, ListQuerySchema, PageOf } from '../../http/schemas.js'
import { UserSchema } from '../users/schema.js'
import { AddMemberSchema, CreateDeskSchema, CreateTeamSchema, DeskSchema, TeamSchema, UpdateDeskSchema, UpdateTeamSchema } from './schema.js'

export const deskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { desks } = app.services
  const tags = ['desks']
  const params = IdParams('deskId')

  app.post('/', { schema: { tags, summary: 'Create a desk (admin)', body: CreateDeskSchema, response: { 201: Type.Ref(DeskSchema), ...errorResponses } } },
    async (request, reply) => {
      const desk = await desks.create(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/desks/${desk.id}`)
      return desk
    })
  app.get('/', { schema: { tags, summary: 'List desks', querystring: ListQuerySchema, response: { 200: PageOf(Type.Ref(DeskSchema), 'Desk'), ...errorResponses } } },
    async (request, reply) => withNextLink(request, reply, await desks.list(principalOf(request), request.query.limit ?? 50, request.query.cursor)))
  app.get('/:deskId', { schema: { tags, summary: 'Read a desk by id or key', params, response: { 200: Type.Ref(DeskSchema), ...errorResponses } } },
    async (request) => desks.get(principalOf(request), request.params.deskId))
  app.patch('/:deskId', { schema: { tags, summary: 'Change a desk (admin)', params, body: UpdateDeskSchema, response: { 200: Type.Ref(DeskSchema), ...errorResponses } } },
    async (request) => desks.update(principalOf(request), request.params.deskId, request.body))
}

export const teamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { desks } = app.services
  const tags = ['teams']
  const params = IdParams('teamId')

  app.post('/', { schema: { tags, summary: 'Create a team in a desk (admin)', body: CreateTeamSchema, response: { 201: Type.Ref(TeamSchema), ...errorResponses } } },
    async (request, reply) => {
      const team = await desks.createTeam(principalOf(request), request.body)
      reply.code(201).header('location', `/v1/teams/${team.id}`)
      return team
    })
  app.get('/', {
    schema: { tags, summary: 'List teams (agents)', querystring: Type.Object({ ...ListQuery, deskId: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false }), response: { 200: PageOf(Type.Ref(TeamSchema), 'Team'), ...errorResponses } }
  }, async (request, reply) => withNextLink(request, reply, await desks.listTeams(principalOf(request), request.query.limit ?? 50, request.query.cursor, request.query.deskId)))
  app.get('/:teamId', { schema: { tags, summary: 'Read a team', params, response: { 200: Type.Ref(TeamSchema), ...errorResponses } } },
    async (request) => desks.getTeam(principalOf(request), request.params.teamId))
  app.patch('/:teamId', { schema: { tags, summary: 'Rename a team or mark it a supplier (admin)', params, body: UpdateTeamSchema, response: { 200: Type.Ref(TeamSchema), ...errorResponses } } },
    async (request) => desks.updateTeam(principalOf(request), request.params.teamId, request.body))
  app.get('/:teamId/members', { schema: { tags, summary: 'Members of a team (agents)', params, response: { 200: Type.Object({ data: Type.Array(Type.Ref(UserSchema)) }), ...errorResponses } } },
    async (request) => ({ data: await desks.listMembers(principalOf(request), request.params.teamId) }))
  app.post('/:teamId/members', { schema: { tags, summary: 'Add a member (admin); members work the team\'s desk', params, body: AddMemberSchema, response: { 201: Type.Ref(UserSchema), ...errorResponses } } },
    async (request, reply) => {
      const user = await desks.addMember(principalOf(request), request.params.teamId, request.body.userId)
      reply.code(201).header('location', `/v1/teams/${request.params.teamId}/members/${user.id}`)
      return user
    })
  app.delete('/:teamId/members/:userId', {
    schema: { tags, summary: 'Remove a member (admin)', params: Type.Object({ teamId: Type.String(), userId: Type.String() }), response: { 204: Type.Null(), ...errorResponses } }
  }, async (request, reply) => {
    await desks.removeMember(principalOf(request), request.params.teamId, request.params.userId)
    return reply.code(204).send(null)
  })
}
