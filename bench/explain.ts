import { drizzle } from 'drizzle-orm/node-postgres'
import type { Logger } from 'drizzle-orm/logger'
import pg from 'pg'
import type { Db } from '../src/db/client.js'
import * as schema from '../src/db/schema.js'
import { listTicketViews } from '../src/modules/tickets/repository.js'
import { listRequestFromQuery } from '../src/modules/tickets/service.js'
import type { ListTicketsQuery } from '../src/modules/tickets/schema.js'

export interface Plan { name: string, sql: string, params: unknown[], plan: string, executionMs: number }

/** Remembers the last statement drizzle sent, so the real repository code gives us its SQL. */
class Capture implements Logger {
  last: { query: string, params: unknown[] } | undefined
  logQuery (query: string, params: unknown[]): void { this.last = { query, params } }
}

/**
 * EXPLAIN ANALYZE of the list queries the scenarios send, built by the app's own
 * listRequestFromQuery and listTicketViews for an admin, so the plan follows the code.
 */
export async function explainLists (databaseUrl: string, adminId: string, queries: Array<{ name: string, query: ListTicketsQuery }>): Promise<Plan[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
  pool.on('error', () => {})
  const capture = new Capture()
  const db = drizzle(pool, { schema, casing: 'snake_case', logger: capture }) as unknown as Db
  const plans: Plan[] = []
  try {
    for (const { name, query } of queries) {
      const request = listRequestFromQuery(query)
      await listTicketViews(db, {
        visibility: { all: true, userId: adminId, deskIds: [] },
        now: new Date(),
        filter: request.filter,
        text: request.text,
        sort: request.sort,
        limit: request.limit
      })
      const { query: sql, params } = capture.last!
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`, params)
      const lines = rows.map(r => r['QUERY PLAN'])
      const executionMs = Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1] ?? NaN)
      plans.push({ name, sql, params, plan: lines.join('\n'), executionMs })
    }
  } finally {
    await pool.end()
  }
  return plans
}

/**
 * One line per plan (time, and shared buffers touched: a measure of work that machine load does
 * not distort), then the list plan and the slowest search plan in full.
 */
export function formatPlans (plans: Plan[]): string[] {
  if (plans.length === 0) return []
  const buffers = (p: Plan) => /Buffers: shared hit=(\d+)/.exec(p.plan)?.[1] ?? '?'
  const slowest = plans.filter(p => p.name.startsWith('search')).sort((a, b) => b.executionMs - a.executionMs)[0]
  return [
    '', 'EXPLAIN ANALYZE of the seeded state (full plans in the JSON file):',
    ...plans.map(p => `  ${p.name.padEnd(28)} ${p.executionMs.toFixed(2).padStart(7)} ms  ${buffers(p).padStart(6)} buffers`),
    ...[plans[0]!, slowest].filter(p => p !== undefined).flatMap(p => ['', `${p.name}:`, p.plan])
  ]
}
