import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'

t.test('defaults follow the contract', async (t) => {
  const config = loadConfig({})
  t.match(config, { port: 3000, host: '127.0.0.1', databaseUrl: undefined, dataDir: './data', logLevel: 'info', rateLimitPerMinute: 600, corsOrigins: [], isProduction: false })
  t.equal(config.auth.rolesClaim, 'roles')
})

t.test('values are parsed and lists split', async (t) => {
  const config = loadConfig({ PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example', WEBHOOK_ALLOWED_HOSTS: 'localhost,10.0.0.5', DATABASE_URL: 'postgres://u@h/db' })
  t.equal(config.port, 8080)
  t.same(config.corsOrigins, ['https://a.example', 'https://b.example'])
  t.same(config.webhookAllowedHosts, ['localhost', '10.0.0.5'])
  t.equal(config.databaseUrl, 'postgres://u@h/db')
})

t.test('every bad variable is named in one clear error', async (t) => {
  try {
    loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', AUTH_JWT_SECRET: 'short' })
    t.fail('should throw')
  } catch (err) {
    t.type(err, ConfigError)
    const message = (err as Error).message
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'AUTH_JWT_SECRET']) t.match(message, name)
    t.notOk(message.includes('short'), 'secrets are not echoed')
  }
})

t.test('production refuses to start without auth; JWKS needs an issuer', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), ConfigError)
  t.ok(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) }).isProduction)
  t.throws(() => loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/jwks' }), /AUTH_ISSUER/)
})
