import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { workflows } from '../../db/schema.js'
import { DEFAULT_WORKFLOWS, TICKET_TYPES, type TicketType, type WorkflowDefinition } from './definition.js'

export interface StoredWorkflow { id: string, ticketType: TicketType, name: string, definition: WorkflowDefinition }

/** Inserts the shipped workflow of each ticket type that has no default yet. */
export async function ensureDefaultWorkflows (db: Db, now: Date): Promise<void> {
  for (const type of TICKET_TYPES) {
    await db.insert(workflows)
      .values({ ticketType: type, name: `Default ${type.replace('_', ' ')}`, isDefault: true, definition: DEFAULT_WORKFLOWS[type], createdAt: now })
      .onConflictDoNothing()
  }
}

/**
 * Workflow rows are immutable versions (a change is a new row), so they are cached for the
 * life of the process once read.
 */
export function createWorkflowStore () {
  const byId = new Map<string, StoredWorkflow>()
  const defaults = new Map<TicketType, StoredWorkflow>()
  const remember = (row: typeof workflows.$inferSelect): StoredWorkflow => {
    const stored = { id: row.id, ticketType: row.ticketType as TicketType, name: row.name, definition: row.definition as WorkflowDefinition }
    byId.set(row.id, stored)
    return stored
  }
  return {
    async defaultFor (db: Db, type: TicketType): Promise<StoredWorkflow> {
      const cached = defaults.get(type)
      if (cached !== undefined) return cached
      const rows = await db.select().from(workflows).where(eq(workflows.isDefault, true))
      for (const row of rows) defaults.set(row.ticketType as TicketType, remember(row))
      const found = defaults.get(type)
      if (found === undefined) throw new Error(`No default workflow for ${type}; run migrations`)
      return found
    },
    async byId (db: Db, id: string): Promise<StoredWorkflow> {
      const cached = byId.get(id)
      if (cached !== undefined) return cached
      const [row] = await db.select().from(workflows).where(eq(workflows.id, id))
      if (row === undefined) throw new Error(`Workflow ${id} is missing`)
      return remember(row)
    }
  }
}
export type WorkflowStore = ReturnType<typeof createWorkflowStore>
