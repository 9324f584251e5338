import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * In development without configured auth, a secret is created once under DATA_DIR so that
 * `npm run token` and the server agree. Never used when NODE_ENV=production.
 */
export function devSecretPath (dataDir: string) { return join(dataDir, 'dev-jwt-secret') }

export function readOrCreateDevSecret (dataDir: string): { secret: string, created: boolean } {
  const path = devSecretPath(dataDir)
  if (existsSync(path)) return { secret: readFileSync(path, 'utf8').trim(), created: false }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(path, secret + '\n', { mode: 0o600 })
  return { secret, created: true }
}
