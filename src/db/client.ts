import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { Logger } from 'drizzle-orm/logger'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import * as schema from './schema.js'

/** One type for the pool-bound db, the PGlite db and a transaction of either. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export const migrationsFolder = new URL('../../migrations', import.meta.url).pathname

/** Counts statements per database handle, so tests can bound the SQL a request costs. */
export class StatementCounter implements Logger {
  count = 0
  logQuery (): void { this.count++ }
}

export interface Database {
  db: Db
  kind: 'postgres' | 'pglite'
  statements: StatementCounter
  migrate: () => Promise<void>
  /** Number of applied migrations and number shipped; equal when the schema is current. */
  migrationState: () => Promise<{ applied: number, shipped: number }>
  ping: () => Promise<void>
  close: () => Promise<void>
}

export interface DatabaseOptions {
  url?: string | undefined
  dataDir?: string | undefined
  /** An already open PGlite (tests load one from a migrated snapshot). */
  pglite?: PGlite
  onPoolError?: (err: Error) => void
}

const shippedMigrations = async () => {
  const { readFile } = await import('node:fs/promises')
  const journal = JSON.parse(await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

/** Opens PostgreSQL through `pg` when a URL is given, else an embedded PGlite under `dataDir` (or in memory). */
export function openDatabase (options: DatabaseOptions): Database {
  const statements = new StatementCounter()
  const countApplied = async (db: Db) => {
    const result = await db.execute<{ n: number }>(
      'select count(*)::int as n from drizzle.__drizzle_migrations' as never
    ).catch(() => ({ rows: [{ n: 0 }] }))
    return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0)
  }
  if (options.url !== undefined) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      connectionTimeoutMillis: 1000,
      idleTimeoutMillis: 30_000,
      // Bounded waits: a stuck database must surface as 503, not a hung request.
      query_timeout: 15_000
    })
    pool.on('error', (err) => options.onPoolError?.(err))
    const db = drizzlePg(pool, { schema, casing: 'snake_case', logger: statements }) as unknown as Db
    return {
      db,
      kind: 'postgres',
      statements,
      migrate: async () => { await migratePg(db as never, { migrationsFolder }) },
      migrationState: async () => ({ applied: await countApplied(db), shipped: await shippedMigrations() }),
      ping: async () => { await pool.query('select 1') },
      close: async () => { await pool.end() }
    }
  }
  let client = options.pglite
  if (client === undefined) {
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true })
    client = new PGlite(options.dataDir === undefined ? undefined : join(options.dataDir, 'pglite'))
  }
  const lite = client
  const db = drizzlePglite(lite, { schema, casing: 'snake_case', logger: statements }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    statements,
    migrate: async () => { await migratePglite(db as never, { migrationsFolder }) },
    migrationState: async () => ({ applied: await countApplied(db), shipped: await shippedMigrations() }),
    ping: async () => { await lite.query('select 1') },
    close: async () => { if (!lite.closed) await lite.close() }
  }
}
