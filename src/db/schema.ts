import { sql, type SQL } from 'drizzle-orm'
import {
  type AnyPgColumn, bigint, bigserial, boolean, check, customType, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid
} from 'drizzle-orm/pg-core'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })
const bytea = customType<{ data: Buffer, driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.isBuffer(value) ? value : Buffer.from(value)
})
const createdAt = () => timestamp({ withTimezone: true, precision: 3 }).notNull()
const id = () => uuid().primaryKey().default(sql`gen_random_uuid()`)

export const organizations = pgTable('organizations', {
  id: id(),
  name: text().notNull(),
  /** Business hours of this customer, for SLA policies with calendarSource organization. */
  calendarId: uuid().references((): AnyPgColumn => calendars.id),
  createdAt: createdAt()
}, (t) => [uniqueIndex('organizations_name_key').on(t.name)])

export const users = pgTable('users', {
  id: id(),
  sub: text().notNull(),
  email: text(),
  name: text(),
  roles: text().array().notNull().default(sql`'{}'::text[]`),
  organizationId: uuid().references(() => organizations.id),
  managerId: uuid(),
  department: text(),
  location: text(),
  createdAt: createdAt(),
  updatedAt: createdAt()
}, (t) => [uniqueIndex('users_sub_key').on(t.sub)])

/** Business calendars: a time zone, weekly working intervals and holidays (see modules/sla/calendar.ts). */
export const calendars = pgTable('calendars', {
  id: id(),
  name: text().notNull(),
  timeZone: text().notNull(),
  workingHours: jsonb().notNull().default(sql`'[]'::jsonb`),
  holidays: jsonb().notNull().default(sql`'[]'::jsonb`),
  version: integer().notNull().default(1),
  createdAt: createdAt(),
  updatedAt: createdAt()
}, (t) => [uniqueIndex('calendars_name_key').on(t.name)])

/**
 * One row, raised by a trigger in every transaction that writes calendars (migration 0011). A
 * read that selects it next to its clocks knows, in the same snapshot, whether the calendars it
 * compiled earlier are still current.
 */
export const calendarRevision = pgTable('calendar_revision', {
  id: boolean().primaryKey().default(true),
  revision: bigint({ mode: 'number' }).notNull().default(0)
}, (t) => [check('calendar_revision_one_row', sql`${t.id}`)])

export const desks = pgTable('desks', {
  id: id(),
  key: text().notNull(),
  name: text().notNull(),
  calendarId: uuid().references(() => calendars.id),
  createdAt: createdAt()
}, (t) => [uniqueIndex('desks_key_key').on(t.key)])

export const teams = pgTable('teams', {
  id: id(),
  name: text().notNull(),
  deskId: uuid().notNull().references(() => desks.id),
  /** An external provider (a hardware vendor, a carrier): underpinning contracts (UC) bind such teams. */
  isSupplier: boolean().notNull().default(false),
  createdAt: createdAt()
}, (t) => [index('teams_desk_idx').on(t.deskId)])

export const teamMembers = pgTable('team_members', {
  teamId: uuid().notNull().references(() => teams.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id),
  addedAt: createdAt()
}, (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)])

export const apiKeys = pgTable('api_keys', {
  id: id(),
  name: text().notNull(),
  prefix: text().notNull(),
  hash: text().notNull(),
  role: text().notNull(),
  deskIds: uuid().array(),
  userId: uuid().notNull().references(() => users.id),
  createdBy: uuid().notNull().references(() => users.id),
  createdAt: createdAt(),
  revokedAt: timestamp({ withTimezone: true, precision: 3 })
}, (t) => [uniqueIndex('api_keys_hash_key').on(t.hash)])

export const workflows = pgTable('workflows', {
  id: id(),
  ticketType: text().notNull(),
  name: text().notNull(),
  isDefault: boolean().notNull().default(false),
  definition: jsonb().notNull(),
  createdAt: createdAt()
}, (t) => [uniqueIndex('workflows_default_per_type').on(t.ticketType).where(sql`is_default`)])

export const tickets = pgTable('tickets', {
  id: id(),
  key: text().notNull(),
  number: integer().notNull(),
  deskId: uuid().notNull().references(() => desks.id),
  type: text().notNull(),
  workflowId: uuid().notNull().references(() => workflows.id),
  title: text().notNull(),
  description: text(),
  status: text().notNull(),
  statusCategory: text().notNull(),
  impact: text().notNull(),
  urgency: text().notNull(),
  priority: text().notNull(),
  priorityOverridden: boolean().notNull().default(false),
  channel: text().notNull(),
  resolution: text(),
  fields: jsonb().notNull().default(sql`'{}'::jsonb`),
  tags: text().array().notNull().default(sql`'{}'::text[]`),
  requesterId: uuid().notNull().references(() => users.id),
  assigneeId: uuid().references(() => users.id),
  teamId: uuid().references(() => teams.id),
  serviceId: uuid().references((): AnyPgColumn => services.id),
  catalogItemId: uuid().references((): AnyPgColumn => catalogItems.id),
  /** The version of the catalogue item's form the ticket's fields were checked against. */
  formVersion: integer(),
  parentId: uuid(),
  createdById: uuid().notNull().references(() => users.id),
  createdAt: createdAt(),
  updatedAt: createdAt(),
  resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
  closedAt: timestamp({ withTimezone: true, precision: 3 }),
  version: integer().notNull().default(1),
  search: tsvector().generatedAlwaysAs((): SQL => sql`to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, ''))`),
  // The words of the ticket's public comments and internal notes, kept on the ticket so one
  // full-text query combines three indexes of one table (appended in each comment's transaction).
  publicCommentSearch: tsvector(),
  internalNoteSearch: tsvector()
}, (t) => [
  uniqueIndex('tickets_key_key').on(t.key),
  index('tickets_created_idx').on(t.createdAt, t.id),
  index('tickets_updated_idx').on(t.updatedAt, t.id),
  index('tickets_desk_created_idx').on(t.deskId, t.createdAt, t.id),
  index('tickets_requester_idx').on(t.requesterId),
  index('tickets_assignee_idx').on(t.assigneeId),
  index('tickets_status_idx').on(t.status),
  index('tickets_priority_idx').on(t.priority, t.createdAt, t.id),
  index('tickets_status_created_idx').on(t.status, t.createdAt, t.id),
  index('tickets_tags_idx').using('gin', t.tags),
  index('tickets_search_idx').using('gin', t.search),
  index('tickets_public_comment_search_idx').using('gin', t.publicCommentSearch),
  index('tickets_internal_note_search_idx').using('gin', t.internalNoteSearch)
])

export const ticketParticipants = pgTable('ticket_participants', {
  ticketId: uuid().notNull().references(() => tickets.id),
  userId: uuid().notNull().references(() => users.id),
  addedAt: createdAt()
}, (t) => [primaryKey({ columns: [t.ticketId, t.userId] }), index('ticket_participants_user_idx').on(t.userId)])

export const comments = pgTable('comments', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  authorId: uuid().notNull().references(() => users.id),
  body: text().notNull(),
  visibility: text().notNull(),
  createdAt: createdAt()
}, (t) => [index('comments_ticket_idx').on(t.ticketId, t.createdAt)])

/** Append-only timeline; its bigserial id orders the change feed across all tickets. */
export const ticketEvents = pgTable('ticket_events', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  ticketId: uuid().notNull().references(() => tickets.id),
  type: text().notNull(),
  actorId: uuid().references(() => users.id),
  isInternal: boolean().notNull().default(false),
  before: jsonb(),
  after: jsonb(),
  occurredAt: createdAt()
}, (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)])

export const ticketLinks = pgTable('ticket_links', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  targetTicketId: uuid().notNull().references(() => tickets.id),
  kind: text().notNull(),
  createdById: uuid().notNull().references(() => users.id),
  createdAt: createdAt()
}, (t) => [
  uniqueIndex('ticket_links_unique').on(t.ticketId, t.targetTicketId, t.kind),
  index('ticket_links_target_idx').on(t.targetTicketId)
])

export const attachments = pgTable('attachments', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  commentId: uuid().references(() => comments.id),
  filename: text().notNull(),
  contentType: text().notNull(),
  size: integer().notNull(),
  sha256: text().notNull(),
  content: bytea().notNull(),
  uploadedById: uuid().notNull().references(() => users.id),
  createdAt: createdAt()
}, (t) => [index('attachments_ticket_idx').on(t.ticketId)])

/** A POST's first response, committed in the same transaction as what it created. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  ownerId: uuid().notNull(),
  key: text().notNull(),
  fingerprint: text().notNull(),
  statusCode: integer().notNull(),
  body: jsonb().notNull(),
  location: text(),
  createdAt: createdAt()
}, (t) => [primaryKey({ columns: [t.ownerId, t.key] })])

/** SLA/OLA/UC policies in their order of precedence; `definition` is the current version. */
export const slaPolicies = pgTable('sla_policies', {
  id: id(),
  position: integer().notNull(),
  version: integer().notNull().default(1),
  isActive: boolean().notNull().default(true),
  definition: jsonb().notNull(),
  createdAt: createdAt(),
  updatedAt: createdAt()
}, (t) => [index('sla_policies_position_idx').on(t.position, t.createdAt)])

/** Every version a policy has had, so a clock can say which one it runs under. */
export const slaPolicyVersions = pgTable('sla_policy_versions', {
  policyId: uuid().notNull().references(() => slaPolicies.id),
  version: integer().notNull(),
  definition: jsonb().notNull(),
  isActive: boolean().notNull(),
  changedById: uuid().notNull().references(() => users.id),
  createdAt: createdAt()
}, (t) => [primaryKey({ columns: [t.policyId, t.version] })])

/**
 * One clock per ticket and policy. `state` is the pure engine's ClockState (modules/sla/clock.ts);
 * `nextDueAt` is when its next warning or breach falls due, so the sweep finds due clocks
 * through an index instead of scanning tickets.
 */
export const slaClocks = pgTable('sla_clocks', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  policyId: uuid().notNull().references(() => slaPolicies.id),
  kind: text().notNull(),
  metric: text().notNull(),
  /** OLA/UC: the team (its policy's counterparty) whose holding the ticket runs this clock; null runs with the ticket. */
  teamId: uuid(),
  /** The policy's start/stop/cancel/reset conditions when the clock started; null: its metric's defaults. */
  triggers: jsonb(),
  goalMinutes: jsonb().notNull(),
  pauseOn: text().array().notNull(),
  warnAt: integer().array().notNull(),
  state: jsonb().notNull(),
  nextDueAt: timestamp({ withTimezone: true, precision: 3 }),
  // Filter and sort instants (modules/sla/clock-index.ts): the due instant of a running clock,
  // the breach instant (breached when before now), the first warning instant (at risk from then).
  dueAt: timestamp({ withTimezone: true, precision: 3 }),
  breachAt: timestamp({ withTimezone: true, precision: 3 }),
  atRiskAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: createdAt(),
  updatedAt: createdAt()
}, (t) => [
  uniqueIndex('sla_clocks_ticket_policy_key').on(t.ticketId, t.policyId),
  index('sla_clocks_next_due_idx').on(t.nextDueAt).where(sql`next_due_at is not null`),
  index('sla_clocks_breach_idx').on(t.breachAt, t.ticketId).where(sql`breach_at is not null`),
  index('sla_clocks_at_risk_idx').on(t.atRiskAt, t.ticketId).where(sql`at_risk_at is not null`),
  index('sla_clocks_ticket_due_idx').on(t.ticketId, t.dueAt).where(sql`due_at is not null`)
])

/** Drawn for ticket_clock_revisions: a value names one state of one ticket's clocks, never reused. */
export const ticketClockRevision = pgSequence('ticket_clock_revision')

/**
 * Which state a ticket's clocks are in: triggers on `sla_clocks` (migration 0013) draw a new
 * revision for every ticket whose clocks a statement inserts, updates or deletes, in the same
 * transaction. A reader that kept the clocks read at this revision needs nothing more. No row:
 * the ticket has no clocks.
 */
export const ticketClockRevisions = pgTable('ticket_clock_revisions', {
  ticketId: uuid().primaryKey().references(() => tickets.id, { onDelete: 'cascade' }),
  revision: bigint({ mode: 'number' }).notNull()
})

/** Drawn on every catalogue write, so any instance can tell whether its browsing cache is current. */
export const catalogRevision = pgSequence('catalog_revision')

/** The catalogue: what a desk offers. `lifecycle` is pipeline | live | retired (see modules/catalog). */
export const services = pgTable('services', {
  id: id(),
  deskId: uuid().notNull().references(() => desks.id),
  name: text().notNull(),
  description: text(),
  ownerTeamId: uuid().references(() => teams.id),
  lifecycle: text().notNull(),
  eligibility: jsonb().notNull().default(sql`'{}'::jsonb`),
  cost: jsonb(),
  supportCalendarId: uuid().references(() => calendars.id),
  help: text(),
  categories: text().array().notNull().default(sql`'{}'::text[]`),
  createdAt: createdAt(),
  updatedAt: createdAt(),
  version: integer().notNull().default(1)
}, (t) => [
  index('services_desk_idx').on(t.deskId, t.createdAt, t.id),
  index('services_created_idx').on(t.createdAt, t.id)
])

/** Every lifecycle change of a service, in order. */
export const serviceLifecycleChanges = pgTable('service_lifecycle_changes', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  serviceId: uuid().notNull().references(() => services.id),
  from: text(),
  to: text().notNull(),
  actorId: uuid().notNull().references(() => users.id),
  occurredAt: createdAt()
}, (t) => [index('service_lifecycle_changes_service_idx').on(t.serviceId, t.id)])

/** What a requester can ask for under a service; `formVersion` points into catalog_item_forms. */
export const catalogItems = pgTable('catalog_items', {
  id: id(),
  serviceId: uuid().notNull().references(() => services.id),
  name: text().notNull(),
  description: text(),
  kind: text().notNull(),
  isActive: boolean().notNull().default(true),
  eligibility: jsonb().notNull().default(sql`'{}'::jsonb`),
  formVersion: integer().notNull().default(1),
  expectedDeliveryMinutes: integer(),
  approval: jsonb().notNull().default(sql`'{"type":"none"}'::jsonb`),
  tasks: jsonb().notNull().default(sql`'[]'::jsonb`),
  autoResolve: boolean().notNull().default(false),
  createdAt: createdAt(),
  updatedAt: createdAt(),
  version: integer().notNull().default(1)
}, (t) => [
  index('catalog_items_service_idx').on(t.serviceId, t.createdAt, t.id),
  index('catalog_items_created_idx').on(t.createdAt, t.id)
])

/** Every form an item has had: a ticket keeps the version it was created with. */
export const catalogItemForms = pgTable('catalog_item_forms', {
  itemId: uuid().notNull().references(() => catalogItems.id),
  version: integer().notNull(),
  schema: jsonb().notNull(),
  createdAt: createdAt()
}, (t) => [primaryKey({ columns: [t.itemId, t.version] })])

/** A ticket's fulfilment plan (approval policy, task templates, auto-resolution), stored when it starts. */
export const fulfilmentPlans = pgTable('fulfilment_plans', {
  ticketId: uuid().primaryKey().references(() => tickets.id),
  plan: jsonb().notNull(),
  tasksCreatedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: createdAt()
})

/** An approval asked on a ticket; `required` approvals end it as approved (modules/fulfilment/policy.ts). */
export const approvals = pgTable('approvals', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  policy: jsonb().notNull(),
  state: text().notNull(),
  required: integer().notNull(),
  rejectOn: text().notNull(),
  requestedById: uuid().notNull().references(() => users.id),
  createdAt: createdAt(),
  decidedAt: timestamp({ withTimezone: true, precision: 3 })
}, (t) => [
  index('approvals_ticket_idx').on(t.ticketId, t.createdAt),
  index('approvals_state_created_idx').on(t.state, t.createdAt, t.id),
  // At most one approval waits on a ticket at a time.
  uniqueIndex('approvals_one_pending_per_ticket').on(t.ticketId).where(sql`state = 'pending'`)
])

/** The approvers of an approval, fixed when it was asked, and each one's single decision. */
export const approvalApprovers = pgTable('approval_approvers', {
  approvalId: uuid().notNull().references(() => approvals.id),
  userId: uuid().notNull().references(() => users.id),
  decision: text(),
  comment: text(),
  decidedAt: timestamp({ withTimezone: true, precision: 3 })
}, (t) => [primaryKey({ columns: [t.approvalId, t.userId] }), index('approval_approvers_user_idx').on(t.userId, t.approvalId)])

/** Fulfilment tasks: `deskId` is the desk of the task's team, whose agents work it whatever the ticket's desk. */
export const fulfilmentTasks = pgTable('fulfilment_tasks', {
  id: id(),
  ticketId: uuid().notNull().references(() => tickets.id),
  teamId: uuid().notNull().references(() => teams.id),
  deskId: uuid().notNull().references(() => desks.id),
  title: text().notNull(),
  description: text(),
  position: integer().notNull().default(0),
  status: text().notNull(),
  assigneeId: uuid().references(() => users.id),
  createdById: uuid().notNull().references(() => users.id),
  createdAt: createdAt(),
  updatedAt: createdAt(),
  completedAt: timestamp({ withTimezone: true, precision: 3 })
}, (t) => [
  index('fulfilment_tasks_ticket_idx').on(t.ticketId, t.position, t.createdAt),
  index('fulfilment_tasks_team_idx').on(t.teamId, t.createdAt, t.id),
  index('fulfilment_tasks_desk_idx').on(t.deskId, t.createdAt, t.id),
  index('fulfilment_tasks_assignee_idx').on(t.assigneeId)
])
