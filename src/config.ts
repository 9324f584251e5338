import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

const Integer = (min: number, max: number, def: number) => Type.Integer({ minimum: min, maximum: max, default: def })

/** Environment variables as API.md lists them; every other module receives a parsed `Config`. */
export const EnvSchema = Type.Object({
  PORT: Integer(0, 65535, 3000),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  AUTH_JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  AUTH_JWKS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  AUTH_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  AUTH_ROLES_CLAIM: Type.String({ minLength: 1, default: 'roles' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' }),
  CORS_ORIGINS: Type.Optional(Type.String()),
  RATE_LIMIT_PER_MINUTE: Integer(1, 1_000_000, 600),
  WEBHOOK_ALLOWED_HOSTS: Type.Optional(Type.String()),
  ATTACHMENT_MAX_BYTES: Integer(1, 1024 * 1024 * 1024, 10 * 1024 * 1024),
  BODY_LIMIT_BYTES: Integer(1024, 64 * 1024 * 1024, 1024 * 1024),
  NODE_ENV: Type.Optional(Type.String())
})

export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  auth: {
    jwtSecret: string | undefined
    jwksUrl: string | undefined
    issuer: string | undefined
    audience: string | undefined
    rolesClaim: string
  }
  logLevel: string
  corsOrigins: string[]
  rateLimitPerMinute: number
  webhookAllowedHosts: string[]
  attachmentMaxBytes: number
  bodyLimitBytes: number
  isProduction: boolean
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

const list = (value: string | undefined) => (value ?? '').split(',').map(s => s.trim()).filter(Boolean)

/** Parses and validates the environment once, at start; throws ConfigError naming every bad variable. */
export function loadConfig (env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const withDefaults = Value.Convert(EnvSchema, Value.Default(EnvSchema, raw))
  const errors = [...Value.Errors(EnvSchema, withDefaults)]
  if (errors.length > 0) {
    throw new ConfigError(errors.map(e => `${e.path.slice(1)}: ${e.message}${e.value !== undefined && !/SECRET/.test(e.path) ? ` (got ${JSON.stringify(e.value)})` : ''}`))
  }
  const e = withDefaults as Static<typeof EnvSchema>
  const isProduction = e.NODE_ENV === 'production'
  if (e.AUTH_JWKS_URL !== undefined && e.AUTH_ISSUER === undefined) {
    throw new ConfigError(['AUTH_ISSUER: required when AUTH_JWKS_URL is set'])
  }
  if (isProduction && e.AUTH_JWT_SECRET === undefined && e.AUTH_JWKS_URL === undefined) {
    throw new ConfigError(['AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when NODE_ENV=production'])
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      rolesClaim: e.AUTH_ROLES_CLAIM
    },
    logLevel: e.LOG_LEVEL,
    corsOrigins: list(e.CORS_ORIGINS),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    webhookAllowedHosts: list(e.WEBHOOK_ALLOWED_HOSTS),
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    isProduction
  }
}
