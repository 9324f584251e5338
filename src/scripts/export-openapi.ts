/* Writes openapi.yaml from the route schemas; with --check, fails when the committed file differs. */
import { readFileSync, writeFileSync } from 'node:fs'
import { stringify } from 'yaml'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/client.js'

const path = new URL('../../openapi.yaml', import.meta.url).pathname
const database = openDatabase({})
const app = await buildApp({ ...loadConfig({}), auth: { ...loadConfig({}).auth, jwtSecret: 'x'.repeat(32) } }, { database, migrate: false, logger: false })
await app.ready()
const text = stringify(app.swagger(), { lineWidth: 0 })
await app.close()
await database.close()
if (process.argv.includes('--check')) {
  const committed = readFileSync(path, 'utf8')
  if (committed !== text) {
    console.error('openapi.yaml differs from the routes: run `npm run gen:openapi` and commit the result')
    process.exit(1)
  }
  console.log('openapi.yaml matches the routes')
} else {
  writeFileSync(path, text)
  console.log(`wrote ${path}`)
}
