import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { openDatabase, type Database } from '../src/db/client.js'
import { ensureDefaultWorkflows } from '../src/modules/workflows/store.js'

/** Tests use PostgreSQL when DATABASE_URL is set, else PGlite. */
export const serverUrl = process.env.DATABASE_URL
/** Named per checkout, so two checkouts (worktrees) can run their suites at once. */
const checkout = createHash('sha256').update(process.cwd()).digest('hex').slice(0, 8)
export const TEMPLATE = `docket_test_template_${checkout}`
const snapshotDir = join(tmpdir(), `docket-test-${checkout}`)
const snapshotPath = join(snapshotDir, 'pglite-template.tar.gz')

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function admin<T> (work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try { return await work(client) } finally { await client.end() }
}

/** Once per run: a migrated template database (PostgreSQL) or data-dir snapshot (PGlite). */
export async function prepareTemplate (): Promise<void> {
  if (serverUrl !== undefined) {
    await admin(async (c) => {
      await c.query(`drop database if exists ${TEMPLATE}`)
      await c.query(`create database ${TEMPLATE}`)
    })
    const database = openDatabase({ url: withDatabase(serverUrl, TEMPLATE) })
    await database.migrate()
    await ensureDefaultWorkflows(database.db, new Date())
    await database.close()
    return
  }
  const lite = new PGlite()
  const database = openDatabase({ pglite: lite })
  await database.migrate()
  await ensureDefaultWorkflows(database.db, new Date())
  const dump = await lite.dumpDataDir('gzip')
  mkdirSync(snapshotDir, { recursive: true })
  await writeFile(snapshotPath, Buffer.from(await dump.arrayBuffer()))
  await lite.close()
}

/** A fresh, migrated database for one test file; `drop` removes it afterwards. */
export async function freshDatabase (): Promise<{ database: Database, url?: string, drop: () => Promise<void> }> {
  if (serverUrl !== undefined) {
    const name = `docket_test_${randomBytes(6).toString('hex')}`
    await admin(c => c.query(`create database ${name} template ${TEMPLATE}`))
    const url = withDatabase(serverUrl, name)
    const database = openDatabase({ url })
    return {
      database,
      url,
      drop: async () => {
        await database.close()
        await admin(c => c.query(`drop database if exists ${name} with (force)`))
      }
    }
  }
  const snapshot = await readFile(snapshotPath)
  const lite = new PGlite({ loadDataDir: new Blob([snapshot]) })
  const database = openDatabase({ pglite: lite })
  return { database, drop: async () => { await database.close() } }
}
