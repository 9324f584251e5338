import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { readOrCreateDevSecret, devSecretPath } from './dev-secret.js'
import { DEMO_PEOPLE, seedDemo } from './demo/seed.js'

let config: Config
try {
  config = loadConfig(process.env)
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
  throw err
}

let devAuth = false
if (config.auth.jwtSecret === undefined && config.auth.jwksUrl === undefined) {
  config = { ...config, auth: { ...config.auth, jwtSecret: readOrCreateDevSecret(config.dataDir).secret } }
  devAuth = true
}

const app = await buildApp(config, { jobs: true })
if (process.argv.includes('--demo')) {
  const { seeded } = await seedDemo(app.services)
  app.log.info({ people: DEMO_PEOPLE.map(p => `npm run token -- --sub ${p.sub} --role ${p.roles.join(',')}`) }, seeded ? 'demo catalogue loaded' : 'demo catalogue already present')
}
app.server.requestTimeout = 30_000
app.server.headersTimeout = 10_000
app.server.keepAliveTimeout = 5_000

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
  else app.log.info({ signal }, 'draining in-flight requests, then shutting down')
  await app.close()
})

await app.listen({ port: config.port, host: config.host })
app.log.info({ database: app.database.kind, dataDir: config.databaseUrl === undefined ? config.dataDir : undefined }, 'docket is ready')
if (devAuth) {
  app.log.info({ secretFile: devSecretPath(config.dataDir) },
    'no AUTH_JWT_SECRET or AUTH_JWKS_URL set: development tokens are signed with a local secret; mint one with `npm run token -- --role admin`')
}
