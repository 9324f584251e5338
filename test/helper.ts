import type { Test } from 'tap'
import { SignJWT } from 'jose'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { fixedClock, systemClock, type Clock } from '../src/shared/clock.js'
import { freshDatabase } from './db.js'

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123'

export interface TestApp {
  app: FastifyInstance
  /** Sends a request as `as` (a token) and returns the response. */
  request: (as: string | null, options: InjectOptions) => Promise<LightMyRequestResponse>
  gql: (as: string | null, query: string, variables?: Record<string, unknown>) => Promise<{ status: number, body: { data?: any, errors?: Array<{ message: string, extensions: Record<string, any> }> } }>
  databaseUrl?: string | undefined
}

export async function buildTestApp (t: Test, options: { clock?: Clock, env?: Record<string, string> } = {}): Promise<TestApp> {
  const { database, url, drop } = await freshDatabase()
  const config: Config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '100000', ...options.env })
  const app = await buildApp(config, { database, clock: options.clock ?? systemClock, migrate: false, logger: false })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await drop()
  })
  const request = async (as: string | null, opts: InjectOptions) => app.inject({
    ...opts,
    headers: { ...(as === null ? {} : { authorization: `Bearer ${as}` }), ...opts.headers }
  })
  const gql: TestApp['gql'] = async (as, query, variables) => {
    const res = await request(as, { method: 'POST', url: '/graphql', payload: { query, variables } })
    return { status: res.statusCode, body: res.json() }
  }
  return { app, request, gql, databaseUrl: url }
}

export interface TokenClaims { sub: string, roles?: string[], name?: string, email?: string, [claim: string]: unknown }

/** A real HS256 JWT signed with the test secret. */
export async function tokenFor (claims: TokenClaims, options: { secret?: string, expiresIn?: string | number } = {}): Promise<string> {
  const { sub, ...rest } = claims
  return new SignJWT({ roles: ['requester'], name: sub, email: `${sub}@example.com`, ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET))
}

export { fixedClock }
