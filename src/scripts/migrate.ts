/* Applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR. */
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'
import { ensureDefaultWorkflows } from '../modules/workflows/store.js'

const config = loadConfig(process.env)
const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
await database.migrate()
await ensureDefaultWorkflows(database.db, new Date())
const { applied, shipped } = await database.migrationState()
console.log(`${database.kind}: ${applied} of ${shipped} migrations applied`)
await database.close()
