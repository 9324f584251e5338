import { createServer, connect, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { buildTestApp, TEST_SECRET, tokenFor } from './helper.js'
import { freshDatabase, serverUrl } from './db.js'

const config = (env: Record<string, string> = {}) => loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env })

/** A loopback TCP server we control: it forwards to `target`, or swallows connections (a hung database). */
async function tcpStage (target?: { host: string, port: number }) {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const start = async () => {
    server = createServer(client => {
      sockets.add(client)
      client.on('close', () => sockets.delete(client))
      client.on('error', () => {})
      if (target === undefined) return // accept and never answer
      const upstream = connect(target.port, target.host)
      sockets.add(upstream)
      upstream.on('close', () => sockets.delete(upstream))
      upstream.on('error', () => client.destroy())
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>(resolve => server!.listen(port, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  }
  const stop = async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>(resolve => server === undefined ? resolve() : server.close(() => resolve()))
  }
  await start()
  return { port: () => port, start, stop }
}

t.test('health, readiness, metrics and the OpenAPI document need no token', async (t) => {
  const h = await buildTestApp(t)
  t.same((await h.request(null, { method: 'GET', url: '/healthz' })).json(), { status: 'ok' })
  const ready = await h.request(null, { method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', migrations: Number })
  await h.request(await tokenFor({ sub: 'x' }), { method: 'GET', url: '/v1/me' })
  const metrics = await h.request(null, { method: 'GET', url: '/metrics' })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /http_request_duration_seconds_bucket\{.*route="\/v1\/me"/)
  t.equal((await h.request(null, { method: 'GET', url: '/openapi.json' })).json().openapi, '3.1.0')
})

t.test('every response carries a request id, and a given one is echoed', async (t) => {
  const h = await buildTestApp(t)
  t.match((await h.request(null, { method: 'GET', url: '/healthz' })).headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.equal((await h.request(null, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } })).headers['x-request-id'], 'trace-42')
})

t.test('rate limits per caller: RateLimit headers, then 429 problem+json with Retry-After', async (t) => {
  const h = await buildTestApp(t, { env: { RATE_LIMIT_PER_MINUTE: '3' } })
  const alice = await tokenFor({ sub: 'alice' })
  const bob = await tokenFor({ sub: 'bob' })
  const first = await h.request(alice, { method: 'GET', url: '/v1/me' })
  t.equal(first.headers['ratelimit-limit'], '3')
  t.equal(first.headers['ratelimit-remaining'], '2')
  await h.request(alice, { method: 'GET', url: '/v1/me' })
  await h.request(alice, { method: 'GET', url: '/v1/me' })
  const limited = await h.request(alice, { method: 'GET', url: '/v1/me' })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(limited.json().code, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0)
  t.equal((await h.request(bob, { method: 'GET', url: '/v1/me' })).statusCode, 200, 'another caller is not affected')
  t.equal((await h.request(null, { method: 'GET', url: '/healthz' })).statusCode, 200, 'probes are never throttled')
})

t.test('an unreachable database answers 503 problem+json with Retry-After within 2 seconds', async (t) => {
  for (const [name, stage] of [['refused', undefined], ['hung', await tcpStage()]] as const) {
    let port: number
    if (stage === undefined) {
      const closed = await tcpStage()
      port = closed.port()
      await closed.stop()
    } else {
      port = stage.port()
    }
    const database = openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/docket` })
    const app = await buildApp(config(), { database, migrate: false, logger: false })
    await app.inject({ method: 'GET', url: '/healthz' }) // compile routes first: time the database wait only
    const token = await tokenFor({ sub: 'x' })
    const started = Date.now()
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    const elapsed = Date.now() - started
    t.equal(res.statusCode, 503, name)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.json().code, 'DATABASE_UNAVAILABLE')
    t.ok(Number(res.headers['retry-after']) > 0)
    t.notOk(/ECONN|timeout exceeded|127\.0\.0\.1/.test(res.body), 'no driver message leaks')
    t.ok(elapsed < 2000, `${name}: answered in ${elapsed} ms`)
    const ready = await app.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 503)
    await app.close()
    await database.close()
    if (stage !== undefined) await stage.stop()
  }
})

if (serverUrl !== undefined) {
  t.test('PostgreSQL: the service recovers by itself when the database returns', async (t) => {
    const h = await buildTestApp(t)
    const real = new URL(h.databaseUrl!)
    const proxy = await tcpStage({ host: real.hostname, port: Number(real.port) })
    const viaProxy = new URL(h.databaseUrl!)
    viaProxy.port = String(proxy.port())
    const database = openDatabase({ url: viaProxy.toString() })
    const app = await buildApp(config(), { database, migrate: false, logger: false })
    const token = await tokenFor({ sub: 'survivor' })
    const me = () => app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })
    t.equal((await me()).statusCode, 200)
    await proxy.stop()
    t.equal((await me()).statusCode, 503, 'down')
    await proxy.start()
    let status = 0
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await me()).statusCode
      if (status !== 200) await new Promise(resolve => setTimeout(resolve, 100))
    }
    t.equal(status, 200, 'back without a restart')
    await app.close()
    await database.close()
    await proxy.stop()
  })
}

t.test('shutdown drains in-flight requests before closing', async (t) => {
  const { database, drop } = await freshDatabase()
  t.teardown(drop)
  const app = await buildApp(config(), { database, migrate: false, logger: false })
  let arrived!: () => void
  const hasArrived = new Promise<void>(resolve => { arrived = resolve })
  // A deliberately slow request, so shutdown starts while it is in flight.
  app.get('/slow', { config: { public: true } }, async () => {
    arrived()
    await new Promise(resolve => setTimeout(resolve, 300))
    return { done: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const inFlight = fetch(`${url}/slow`)
  await hasArrived
  const closing = app.close()
  const res = await inFlight
  t.equal(res.status, 200)
  t.same(await res.json(), { done: true }, 'the in-flight request completed')
  await closing
  await t.rejects(fetch(`${url}/healthz`), 'new connections are refused once closed')
})
