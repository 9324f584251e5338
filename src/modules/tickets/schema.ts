import { Type, type Static } from '@sinclair/typebox'
import { Nullable, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { RESOLUTIONS, STATUS_CATEGORIES, TICKET_TYPES } from '../workflows/definition.js'
import { LEVELS, PRIORITIES } from './priority.js'
import { UserSchema } from '../users/schema.js'
import { TeamSchema } from '../desks/schema.js'
import type { ClockView } from '../sla/clock-view.js'

const Enum = <T extends string>(values: readonly T[]) => StringEnum(values)

export const TicketTypeSchema = Enum(TICKET_TYPES)
export const LevelSchema = Enum(LEVELS)
export const PrioritySchema = Enum(PRIORITIES)
export const StatusCategorySchema = Enum(STATUS_CATEGORIES)
export const ResolutionSchema = Enum(RESOLUTIONS)
export const CHANNELS = ['api', 'portal', 'email', 'chat', 'phone'] as const
export const ChannelSchema = Enum(CHANNELS)
export const VISIBILITIES = ['public', 'internal'] as const
export const VisibilitySchema = Enum(VISIBILITIES)
export const LINK_KINDS = ['caused_by', 'relates_to', 'duplicates', 'blocks'] as const
export const LinkKindSchema = Enum(LINK_KINDS)

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^,\\s]+$' }), { maxItems: 50, uniqueItems: true })
const Fields = Type.Record(Type.String(), Type.Unknown(), { description: 'Custom fields (a catalogue item\'s form answers)' })

export const TicketSchema = Type.Object({
  id: Uuid,
  key: Type.String({ description: 'Desk key and number, e.g. IT-42' }),
  type: TicketTypeSchema,
  title: Type.String(),
  description: Nullable(Type.String()),
  deskId: Uuid,
  serviceId: Nullable(Uuid),
  catalogItemId: Nullable(Uuid),
  formVersion: Nullable(Type.Integer({ description: 'The version of the catalogue item\'s form the fields were checked against' })),
  requesterId: Uuid,
  assigneeId: Nullable(Uuid),
  teamId: Nullable(Uuid),
  parentId: Nullable(Uuid),
  status: Type.String(),
  statusCategory: StatusCategorySchema,
  impact: LevelSchema,
  urgency: LevelSchema,
  priority: PrioritySchema,
  priorityOverridden: Type.Boolean({ description: 'True when an agent set the priority instead of the impact × urgency matrix' }),
  channel: ChannelSchema,
  resolution: Nullable(ResolutionSchema),
  fields: Fields,
  tags: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  version: Type.Integer({ minimum: 1, description: 'Rises with every change; send it back in If-Match' }),
  requester: Type.Optional(Type.Ref(UserSchema)),
  assignee: Type.Optional(Nullable(Type.Ref(UserSchema))),
  team: Type.Optional(Nullable(Type.Ref(TeamSchema))),
  sla: Type.Optional(Type.Array(Type.Unsafe<ClockView & { id: string }>(Type.Ref('SlaClock')), {
    description: 'The service-level clocks the caller may see, exactly as GET /v1/tickets/{id}/sla lists them: always on a single ticket, on lists only with expand=sla'
  }))
}, { $id: 'Ticket' })
export type Ticket = Static<typeof TicketSchema>

export const CreateTicketSchema = Type.Object({
  type: Type.Optional(TicketTypeSchema),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Required unless catalogItemId is given (then it defaults to the item\'s name)' })),
  description: Type.Optional(Type.String({ maxLength: 100_000 })),
  deskId: Type.Optional(Type.String({ minLength: 1, description: 'Desk id or key. Required unless catalogItemId is given (then it is the item\'s desk)' })),
  serviceId: Type.Optional(Uuid),
  catalogItemId: Type.Optional(Type.String({
    format: 'uuid',
    description: 'Request this catalogue item: type, desk and service come from it, and `fields` are checked against its form (defaults applied); an item the caller may not request answers 404'
  })),
  requesterId: Type.Optional(Type.String({ minLength: 1, description: 'Agents only: open on behalf of this user' })),
  assigneeId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  parentId: Type.Optional(Uuid),
  impact: Type.Optional(LevelSchema),
  urgency: Type.Optional(LevelSchema),
  priority: Type.Optional(PrioritySchema),
  channel: Type.Optional(ChannelSchema),
  fields: Type.Optional(Fields),
  tags: Type.Optional(Tags),
  status: Type.Optional(Type.String({ description: 'Never writable: present only to be refused by name' })),
  sla: Type.Optional(Type.Unknown({ description: 'Never writable' }))
}, { additionalProperties: false })
export type CreateTicket = Static<typeof CreateTicketSchema>

export const UpdateTicketSchema = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 100_000 }))),
  serviceId: Type.Optional(Nullable(Uuid)),
  assigneeId: Type.Optional(Nullable(Uuid)),
  teamId: Type.Optional(Nullable(Uuid)),
  parentId: Type.Optional(Nullable(Uuid)),
  impact: Type.Optional(LevelSchema),
  urgency: Type.Optional(LevelSchema),
  priority: Type.Optional(Nullable(PrioritySchema)),
  channel: Type.Optional(ChannelSchema),
  fields: Type.Optional(Fields),
  tags: Type.Optional(Tags),
  status: Type.Optional(Type.String({ description: 'Never writable here: use POST /transitions' })),
  requesterId: Type.Optional(Type.String({ description: 'Never writable after creation' })),
  sla: Type.Optional(Type.Unknown({ description: 'Never writable' }))
}, { additionalProperties: false, minProperties: 1 })
export type UpdateTicket = Static<typeof UpdateTicketSchema>

export const TransitionRequestSchema = Type.Object({
  to: Type.String({ minLength: 1 }),
  comment: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000 })),
  resolution: Type.Optional(ResolutionSchema)
}, { additionalProperties: false })
export type TransitionRequestBody = Static<typeof TransitionRequestSchema>

export const AvailableTransitionSchema = Type.Object({
  to: Type.String(),
  statusCategory: StatusCategorySchema,
  requires: Type.Array(StringEnum(['resolution', 'comment'] as const))
})

export const CommentSchema = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  authorId: Uuid,
  body: Type.String(),
  visibility: VisibilitySchema,
  createdAt: Timestamp
}, { $id: 'Comment' })
export type Comment = Static<typeof CommentSchema>

export const CreateCommentSchema = Type.Object({
  body: Type.String({ minLength: 1, maxLength: 100_000 }),
  visibility: Type.Optional(VisibilitySchema)
}, { additionalProperties: false })
export type CreateComment = Static<typeof CreateCommentSchema>

export const EventSchema = Type.Object({
  id: Type.String({ description: 'Position in the global event order' }),
  ticketId: Uuid,
  type: Type.String(),
  actorId: Nullable(Uuid),
  internal: Type.Boolean(),
  before: Nullable(Type.Record(Type.String(), Type.Unknown())),
  after: Nullable(Type.Record(Type.String(), Type.Unknown())),
  occurredAt: Timestamp
}, { $id: 'TicketEvent' })
export type TicketEvent = Static<typeof EventSchema>

export const LinkSchema = Type.Object({
  id: Uuid,
  ticketId: Uuid,
  targetTicketId: Uuid,
  targetKey: Type.String(),
  kind: LinkKindSchema,
  direction: StringEnum(['outward', 'inward'] as const, { description: 'outward: this ticket → target; inward: the target links to this ticket' }),
  createdAt: Timestamp
}, { $id: 'TicketLink' })
export type Link = Static<typeof LinkSchema>

export const CreateLinkSchema = Type.Object({
  targetTicketId: Type.String({ minLength: 1, description: 'Ticket id or key' }),
  kind: LinkKindSchema
}, { additionalProperties: false })

export const AddParticipantSchema = Type.Object({ userId: Uuid }, { additionalProperties: false })

const CommaList = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description }))
export const ListTicketsQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  status: CommaList('Comma-separated statuses'),
  statusCategory: CommaList('Comma-separated categories'),
  type: CommaList('Comma-separated ticket types'),
  priority: CommaList('Comma-separated priorities'),
  deskId: CommaList('Desk ids or keys'),
  serviceId: CommaList('Service ids'),
  assigneeId: CommaList('User ids, `me` or `none`'),
  teamId: CommaList('Team ids or `none`'),
  requesterId: CommaList('User ids or `me`'),
  tag: CommaList('Tickets carrying any of these tags'),
  slaState: CommaList('breached, at_risk (either matches). Exact at the request instant, over the clocks you may see: breached = a clock whose current cycle reads breached (running or paused past its due instant, or stopped late); at_risk = a running or paused clock of the current cycle that has counted its policy\'s first warning threshold and is not breached (a policy without thresholds never puts a ticket at risk)'),
  createdAfter: Type.Optional(Timestamp),
  createdBefore: Type.Optional(Timestamp),
  updatedAfter: Type.Optional(Timestamp),
  updatedBefore: Type.Optional(Timestamp),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Full text over title, description and the comments you may see' })),
  filter: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'RSQL over the same fields, e.g. status=in=(new,in_progress);priority=le=p2;slaState==at_risk' })),
  sort: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated; prefix - for descending. Fields: createdAt, updatedAt, priority, status, type, key, slaDueAt (the nearest dueAt among the running clocks you may see; tickets without one come last in either direction). Default -createdAt' })),
  fields: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated fields to return' })),
  expand: Type.Optional(Type.String({ maxLength: 200, description: 'requester, assignee, team, sla (the clocks of the whole page, read in one query)' })),
  includeTotal: Type.Optional(Type.Boolean({ description: 'Also count every matching ticket' }))
}, { additionalProperties: false })
export type ListTicketsQuery = Static<typeof ListTicketsQuerySchema>

export const GetTicketQuerySchema = Type.Object({
  fields: Type.Optional(Type.String({ maxLength: 1000 })),
  expand: Type.Optional(Type.String({ maxLength: 200, description: 'requester, assignee, team; sla is always included unless fields= leaves it out' }))
}, { additionalProperties: false })
