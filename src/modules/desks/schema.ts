import { Type, type Static } from '@sinclair/typebox'
import { Nullable, Timestamp, Uuid } from '../../http/schemas.js'

export const DeskSchema = Type.Object({
  id: Uuid,
  key: Type.String({ description: 'Prefix of the desk\'s ticket keys, e.g. IT for IT-42' }),
  name: Type.String(),
  calendarId: Nullable(Uuid),
  createdAt: Timestamp
}, { $id: 'Desk' })
export type Desk = Static<typeof DeskSchema>

export const CreateDeskSchema = Type.Object({
  key: Type.String({ pattern: '^[A-Z][A-Z0-9]{0,9}$', description: '1-10 upper-case letters or digits, starting with a letter' }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  calendarId: Type.Optional(Nullable(Uuid))
}, { additionalProperties: false })
export type CreateDesk = Static<typeof CreateDeskSchema>

export const UpdateDeskSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  calendarId: Type.Optional(Nullable(Uuid))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateDesk = Static<typeof UpdateDeskSchema>

export const TeamSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  deskId: Uuid,
  supplier: Type.Boolean({ description: 'An external provider (e.g. a hardware vendor) rather than an internal team: underpinning contracts (uc policies) bind supplier teams, OLAs internal ones' }),
  createdAt: Timestamp
}, { $id: 'Team' })
export type Team = Static<typeof TeamSchema>

export const CreateTeamSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  deskId: Type.String({ minLength: 1, description: 'Desk id or key' }),
  supplier: Type.Optional(Type.Boolean({ description: 'Default false' }))
}, { additionalProperties: false })
export type CreateTeam = Static<typeof CreateTeamSchema>

export const UpdateTeamSchema = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  supplier: Type.Optional(Type.Boolean({ description: 'Checked against policies only when a policy is written: a policy that already binds the team keeps running as it is' }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateTeam = Static<typeof UpdateTeamSchema>

export const AddMemberSchema = Type.Object({ userId: Uuid }, { additionalProperties: false })
