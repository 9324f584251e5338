import { Type, type Static } from '@sinclair/typebox'
import { Nullable, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { ROLES } from '../../shared/principal.js'

export const RoleSchema = StringEnum(ROLES)

export const UserSchema = Type.Object({
  id: Uuid,
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  roles: Type.Array(RoleSchema),
  organizationId: Nullable(Uuid),
  managerId: Nullable(Uuid),
  department: Nullable(Type.String()),
  location: Nullable(Type.String()),
  createdAt: Timestamp
}, { $id: 'User' })
export type User = Static<typeof UserSchema>

export const MeSchema = Type.Composite([UserSchema, Type.Object({
  deskIds: Type.Array(Uuid, { description: 'Desks whose tickets you work' }),
  teamIds: Type.Array(Uuid)
})], { $id: 'Me' })
export type Me = Static<typeof MeSchema>

export const UpdateUserSchema = Type.Object({
  name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
  organizationId: Type.Optional(Nullable(Uuid)),
  managerId: Type.Optional(Nullable(Uuid)),
  department: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  location: Type.Optional(Nullable(Type.String({ maxLength: 200 })))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateUser = Static<typeof UpdateUserSchema>

export const OrganizationSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  calendarId: Nullable(Type.String({ format: 'uuid', description: 'Business hours of this customer, used by SLA policies with calendarSource organization' })),
  createdAt: Timestamp
}, { $id: 'Organization' })
export type Organization = Static<typeof OrganizationSchema>
export const CreateOrganizationSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), calendarId: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false })
export type CreateOrganization = Static<typeof CreateOrganizationSchema>
export const UpdateOrganizationSchema = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), calendarId: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false, minProperties: 1 })
export type UpdateOrganization = Static<typeof UpdateOrganizationSchema>
