import { Type, type Static } from '@sinclair/typebox'
import { Nullable, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { ROLES } from '../../shared/principal.js'
import { ApprovalPolicySchema, TaskTemplateSchema } from '../fulfilment/schema.js'
import { LIFECYCLES } from './lifecycle.js'

const Name = Type.String({ minLength: 1, maxLength: 200 })
const Text = Type.String({ maxLength: 20_000 })
const Words = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, uniqueItems: true })

export const LifecycleSchema = StringEnum(LIFECYCLES, { description: 'pipeline: planned, not offered; live: offered to eligible requesters; retired: withdrawn, its tickets stay readable' })
export const ITEM_KINDS = ['incident', 'service_request'] as const
export const ItemKindSchema = StringEnum(ITEM_KINDS)

export const EligibilitySchema = Type.Object({
  roles: Type.Optional(Type.Array(StringEnum(ROLES), { uniqueItems: true })),
  teamIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  deskIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  organizationIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  departments: Type.Optional(Words),
  locations: Type.Optional(Words)
}, {
  $id: 'Eligibility',
  additionalProperties: false,
  description: 'Who may see and request it. Keys present are AND-ed; each matches when the person has any of its values ' +
    '(departments and locations compare case-insensitively, from the user record or token claims). No keys: everyone.'
})

export const CostSchema = Type.Object({
  amount: Type.Number({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
  period: StringEnum(['one_time', 'monthly', 'yearly'] as const)
}, { $id: 'Cost', additionalProperties: false })

export const ServiceSchema = Type.Object({
  id: Uuid,
  deskId: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  ownerTeamId: Nullable(Uuid),
  lifecycle: LifecycleSchema,
  eligibility: Type.Optional(Type.Ref(EligibilitySchema, { description: 'Agents and admins only' })),
  cost: Nullable(Type.Ref(CostSchema)),
  supportCalendarId: Nullable(Uuid),
  help: Nullable(Type.String({ description: 'How to get help with this service' })),
  categories: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer({ minimum: 1 })
}, { $id: 'Service' })
export type Service = Static<typeof ServiceSchema>

export const CreateServiceSchema = Type.Object({
  deskId: Type.String({ minLength: 1, description: 'Desk id or key' }),
  name: Name,
  description: Type.Optional(Text),
  ownerTeamId: Type.Optional(Nullable(Uuid)),
  lifecycle: Type.Optional(LifecycleSchema),
  eligibility: Type.Optional(Type.Ref(EligibilitySchema)),
  cost: Type.Optional(Nullable(Type.Ref(CostSchema))),
  supportCalendarId: Type.Optional(Nullable(Uuid)),
  help: Type.Optional(Nullable(Text)),
  categories: Type.Optional(Words)
}, { additionalProperties: false })
export type CreateService = Static<typeof CreateServiceSchema>

export const UpdateServiceSchema = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Nullable(Text)),
  ownerTeamId: Type.Optional(Nullable(Uuid)),
  lifecycle: Type.Optional(LifecycleSchema),
  eligibility: Type.Optional(Type.Ref(EligibilitySchema)),
  cost: Type.Optional(Nullable(Type.Ref(CostSchema))),
  supportCalendarId: Type.Optional(Nullable(Uuid)),
  help: Type.Optional(Nullable(Text)),
  categories: Type.Optional(Words)
}, { additionalProperties: false, minProperties: 1 })
export type UpdateService = Static<typeof UpdateServiceSchema>

export const LifecycleChangeSchema = Type.Object({
  from: Nullable(LifecycleSchema),
  to: LifecycleSchema,
  actorId: Uuid,
  occurredAt: Timestamp
})
export type LifecycleChange = Static<typeof LifecycleChangeSchema>

const Form = Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema 2020-12 for the ticket\'s fields; top-level type must be "object"' })

export const CatalogItemSchema = Type.Object({
  id: Uuid,
  serviceId: Uuid,
  deskId: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  kind: ItemKindSchema,
  isActive: Type.Boolean({ description: 'Inactive items are not offered to requesters' }),
  form: Form,
  formVersion: Type.Integer({ minimum: 1, description: 'Rises each time the form changes; tickets keep the version they were created with' }),
  expectedDeliveryMinutes: Nullable(Type.Integer({ minimum: 0 })),
  eligibility: Type.Optional(Type.Ref(EligibilitySchema, { description: 'Agents and admins only' })),
  approval: ApprovalPolicySchema,
  tasks: Type.Optional(Type.Array(TaskTemplateSchema, { description: 'Agents and admins only' })),
  autoResolve: Type.Boolean({ description: 'Resolve the request when its last fulfilment task is done' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer({ minimum: 1 })
}, { $id: 'CatalogItem' })
export type CatalogItem = Static<typeof CatalogItemSchema>

export const CreateCatalogItemSchema = Type.Object({
  serviceId: Uuid,
  name: Name,
  description: Type.Optional(Text),
  kind: ItemKindSchema,
  isActive: Type.Optional(Type.Boolean()),
  form: Type.Optional(Form),
  expectedDeliveryMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 525_600 }))),
  eligibility: Type.Optional(Type.Ref(EligibilitySchema)),
  approval: Type.Optional(ApprovalPolicySchema),
  tasks: Type.Optional(Type.Array(TaskTemplateSchema, { maxItems: 50 })),
  autoResolve: Type.Optional(Type.Boolean())
}, { additionalProperties: false })
export type CreateCatalogItem = Static<typeof CreateCatalogItemSchema>

export const UpdateCatalogItemSchema = Type.Object({
  name: Type.Optional(Name),
  description: Type.Optional(Nullable(Text)),
  isActive: Type.Optional(Type.Boolean()),
  form: Type.Optional(Form),
  expectedDeliveryMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 525_600 }))),
  eligibility: Type.Optional(Type.Ref(EligibilitySchema)),
  approval: Type.Optional(ApprovalPolicySchema),
  tasks: Type.Optional(Type.Array(TaskTemplateSchema, { maxItems: 50 })),
  autoResolve: Type.Optional(Type.Boolean())
}, { additionalProperties: false, minProperties: 1 })
export type UpdateCatalogItem = Static<typeof UpdateCatalogItemSchema>

export const ValidateAnswersSchema = Type.Object({
  fields: Type.Record(Type.String(), Type.Unknown()),
  formVersion: Type.Optional(Type.Integer({ minimum: 1, description: 'Check against this version instead of the current one' }))
}, { additionalProperties: false })

export const ValidationResultSchema = Type.Object({
  valid: Type.Boolean(),
  formVersion: Type.Integer(),
  errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), { description: 'The errors a ticket create would answer, with the same paths (/fields/...)' }),
  fields: Type.Record(Type.String(), Type.Unknown(), { description: 'The answers with the form\'s defaults applied' })
})
export type ValidationResult = Static<typeof ValidationResultSchema>

const BrowseItem = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  kind: ItemKindSchema,
  expectedDeliveryMinutes: Nullable(Type.Integer())
})
const BrowseService = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  help: Nullable(Type.String()),
  cost: Nullable(Type.Ref(CostSchema)),
  items: Type.Array(BrowseItem)
})
export const CatalogSchema = Type.Object({
  desks: Type.Array(Type.Object({
    id: Uuid,
    key: Type.String(),
    name: Type.String(),
    categories: Type.Array(Type.Object({
      name: Type.String({ description: 'A service with no category is listed under "General"' }),
      services: Type.Array(BrowseService)
    }))
  }))
}, { $id: 'Catalog' })
export type Catalog = Static<typeof CatalogSchema>
export type BrowseServiceEntry = Static<typeof BrowseService>
