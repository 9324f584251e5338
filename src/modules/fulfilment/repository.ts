import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { approvalApprovers, approvals, fulfilmentPlans, fulfilmentTasks, teamMembers, tickets } from '../../db/schema.js'

export type ApprovalRow = typeof approvals.$inferSelect
export type ApproverRow = typeof approvalApprovers.$inferSelect
export type TaskRow = typeof fulfilmentTasks.$inferSelect
export type NewTaskRow = typeof fulfilmentTasks.$inferInsert
export type PlanRow = typeof fulfilmentPlans.$inferSelect

export async function insertPlan (db: Db, values: typeof fulfilmentPlans.$inferInsert) {
  await db.insert(fulfilmentPlans).values(values)
}

export async function findPlan (db: Db, ticketId: string) {
  const [row] = await db.select().from(fulfilmentPlans).where(eq(fulfilmentPlans.ticketId, ticketId))
  return row
}

export async function markPlanTasksCreated (db: Db, ticketId: string, now: Date) {
  await db.update(fulfilmentPlans).set({ tasksCreatedAt: now }).where(eq(fulfilmentPlans.ticketId, ticketId))
}

export async function insertApproval (db: Db, values: typeof approvals.$inferInsert, approverIds: readonly string[]) {
  const [row] = await db.insert(approvals).values(values).returning()
  const approval = row as ApprovalRow
  await db.insert(approvalApprovers).values(approverIds.map(userId => ({ approvalId: approval.id, userId })))
  return approval
}

export async function findApproval (db: Db, id: string) {
  const [row] = await db.select().from(approvals).where(eq(approvals.id, id))
  return row
}

/** Locks the approval row; callers hold the ticket's lock first, so decisions on a ticket queue. */
export async function findApprovalForUpdate (db: Db, id: string) {
  const [row] = await db.select().from(approvals).where(eq(approvals.id, id)).for('update')
  return row
}

export async function findPendingApproval (db: Db, ticketId: string) {
  const [row] = await db.select().from(approvals).where(and(eq(approvals.ticketId, ticketId), eq(approvals.state, 'pending')))
  return row
}

export async function updateApprovalState (db: Db, id: string, state: string, decidedAt: Date) {
  await db.update(approvals).set({ state, decidedAt }).where(eq(approvals.id, id))
}

/** Cancels the ticket's pending approval, if any; returns its id. */
export async function cancelPendingApproval (db: Db, ticketId: string, now: Date) {
  const [row] = await db.update(approvals).set({ state: 'cancelled', decidedAt: now })
    .where(and(eq(approvals.ticketId, ticketId), eq(approvals.state, 'pending'))).returning({ id: approvals.id })
  return row?.id
}

export async function recordDecision (db: Db, approvalId: string, userId: string, decision: string, comment: string | null, now: Date) {
  const rows = await db.update(approvalApprovers).set({ decision, comment, decidedAt: now })
    .where(and(eq(approvalApprovers.approvalId, approvalId), eq(approvalApprovers.userId, userId), isNull(approvalApprovers.decision)))
    .returning()
  return rows.length > 0
}

export async function listApprovers (db: Db, approvalIds: readonly string[]) {
  if (approvalIds.length === 0) return []
  return db.select().from(approvalApprovers).where(inArray(approvalApprovers.approvalId, [...approvalIds])).orderBy(asc(approvalApprovers.userId))
}

export async function listApprovalsOfTickets (db: Db, ticketIds: readonly string[]) {
  if (ticketIds.length === 0) return []
  return db.select().from(approvals).where(inArray(approvals.ticketId, [...ticketIds])).orderBy(asc(approvals.createdAt), asc(approvals.id))
}

const approverIs = (userId: string) => sql`exists (select 1 from ${approvalApprovers} where ${approvalApprovers.approvalId} = ${approvals.id} and ${approvalApprovers.userId} = ${userId})`

export interface ApprovalQuery {
  /** Null: every approval (admins). */
  visibleTo: { userId: string, deskIds: readonly string[] } | null
  state?: string | undefined
  approverId?: string | undefined
  limit: number
  after?: { createdAt: Date, id: string } | undefined
}

/** Approvals in creation order that the caller may see: as an approver, the ticket's requester or an agent of its desk. */
export async function listApprovals (db: Db, query: ApprovalQuery) {
  const where: Array<SQL | undefined> = []
  const v = query.visibleTo
  if (v !== null) {
    const ofTicket = sql`exists (select 1 from ${tickets} where ${tickets.id} = ${approvals.ticketId} and (${tickets.requesterId} = ${v.userId}${v.deskIds.length > 0 ? sql` or ${inArray(tickets.deskId, [...v.deskIds])}` : sql``}))`
    where.push(or(approverIs(v.userId), ofTicket))
  }
  if (query.state !== undefined) where.push(eq(approvals.state, query.state))
  if (query.approverId !== undefined) where.push(approverIs(query.approverId))
  if (query.after !== undefined) where.push(sql`(${approvals.createdAt}, ${approvals.id}) > (${query.after.createdAt}, ${query.after.id})`)
  return db.select().from(approvals).where(and(...where)).orderBy(asc(approvals.createdAt), asc(approvals.id)).limit(query.limit + 1)
}

/** True when the user is an approver of any approval on the ticket. */
export async function isApproverOfTicket (db: Db, ticketId: string, userId: string) {
  const rows = await db.select({ one: sql`1` }).from(approvalApprovers)
    .innerJoin(approvals, eq(approvals.id, approvalApprovers.approvalId))
    .where(and(eq(approvals.ticketId, ticketId), eq(approvalApprovers.userId, userId))).limit(1)
  return rows.length > 0
}

/** True when a task of the ticket belongs to a team of one of these desks. */
export async function hasTaskOnDesks (db: Db, ticketId: string, deskIds: readonly string[]) {
  if (deskIds.length === 0) return false
  const rows = await db.select({ one: sql`1` }).from(fulfilmentTasks)
    .where(and(eq(fulfilmentTasks.ticketId, ticketId), inArray(fulfilmentTasks.deskId, [...deskIds]))).limit(1)
  return rows.length > 0
}

export async function listTeamMemberIds (db: Db, teamId: string) {
  const rows = await db.select({ userId: teamMembers.userId }).from(teamMembers).where(eq(teamMembers.teamId, teamId)).orderBy(asc(teamMembers.userId))
  return rows.map(r => r.userId)
}

export async function isTeamMember (db: Db, teamId: string, userId: string) {
  const rows = await db.select({ userId: teamMembers.userId }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
  return rows.length > 0
}

export async function insertTasks (db: Db, values: NewTaskRow[]) {
  if (values.length === 0) return []
  return db.insert(fulfilmentTasks).values(values).returning()
}

export async function findTask (db: Db, id: string) {
  const [row] = await db.select().from(fulfilmentTasks).where(eq(fulfilmentTasks.id, id))
  return row
}

export async function updateTask (db: Db, id: string, patch: Partial<NewTaskRow>) {
  const [row] = await db.update(fulfilmentTasks).set(patch).where(eq(fulfilmentTasks.id, id)).returning()
  return row as TaskRow
}

export async function listTasksOfTickets (db: Db, ticketIds: readonly string[]) {
  if (ticketIds.length === 0) return []
  return db.select().from(fulfilmentTasks).where(inArray(fulfilmentTasks.ticketId, [...ticketIds]))
    .orderBy(asc(fulfilmentTasks.position), asc(fulfilmentTasks.createdAt), asc(fulfilmentTasks.id))
}

export interface TaskQuery {
  /** Null: every task (admins); else tasks of these desks' teams or on these desks' tickets. */
  deskIds: readonly string[] | null
  teamId?: string | undefined
  /** A user id, or null for unassigned tasks. */
  assigneeId?: string | null | undefined
  status?: string | undefined
  limit: number
  after?: { createdAt: Date, id: string } | undefined
}

export async function listTasks (db: Db, query: TaskQuery) {
  const where: Array<SQL | undefined> = []
  if (query.deskIds !== null) {
    if (query.deskIds.length === 0) return []
    const ids = [...query.deskIds]
    where.push(or(inArray(fulfilmentTasks.deskId, ids), sql`exists (select 1 from ${tickets} where ${tickets.id} = ${fulfilmentTasks.ticketId} and ${inArray(tickets.deskId, ids)})`))
  }
  if (query.teamId !== undefined) where.push(eq(fulfilmentTasks.teamId, query.teamId))
  if (query.assigneeId !== undefined) where.push(query.assigneeId === null ? isNull(fulfilmentTasks.assigneeId) : eq(fulfilmentTasks.assigneeId, query.assigneeId))
  if (query.status !== undefined) where.push(eq(fulfilmentTasks.status, query.status))
  if (query.after !== undefined) where.push(sql`(${fulfilmentTasks.createdAt}, ${fulfilmentTasks.id}) > (${query.after.createdAt}, ${query.after.id})`)
  return db.select().from(fulfilmentTasks).where(and(...where)).orderBy(asc(fulfilmentTasks.createdAt), asc(fulfilmentTasks.id)).limit(query.limit + 1)
}
