import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { SignJWT, exportJWK, generateKeyPair, UnsecuredJWT } from 'jose'
import { buildTestApp, tokenFor } from './helper.js'

// A real OIDC-style key set served over loopback HTTP.
const { publicKey, privateKey } = await generateKeyPair('RS256')
const jwk = { ...await exportJWK(publicKey), kid: 'k1', alg: 'RS256', use: 'sig' }
const jwksServer = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ keys: [jwk] })) })
await new Promise<void>(resolve => jwksServer.listen(0, '127.0.0.1', resolve))
t.teardown(() => { jwksServer.close() })
const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`
const issuer = 'https://idp.example.com/'
const audience = 'docket'

const h = await buildTestApp(t, { env: { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_ROLES_CLAIM: 'realm_access.roles' } })

const oidcToken = (claims: Record<string, unknown>, opts: { iss?: string, aud?: string, exp?: string | number, kid?: string } = {}) => {
  let jwt = new SignJWT({ email: 'oidc@example.com', name: 'Oidc User', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? audience)
    .setSubject('oidc-user')
    .setIssuedAt()
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp)
  return jwt.sign(privateKey)
}
const me = (token: string) => h.request(token, { method: 'GET', url: '/v1/me' })

t.test('OIDC tokens are verified against the JWKS, with issuer, audience and exp checked', async (t) => {
  const good = await me(await oidcToken({ realm_access: { roles: ['agent'] } }, { exp: '5m' }))
  t.equal(good.statusCode, 200)
  t.match(good.json(), { email: 'oidc@example.com', name: 'Oidc User', roles: ['agent'] })
  for (const [name, token] of [
    ['wrong issuer', await oidcToken({}, { iss: 'https://evil.example.com/', exp: '5m' })],
    ['wrong audience', await oidcToken({}, { aud: 'other', exp: '5m' })],
    ['no exp', await oidcToken({})],
    ['expired beyond tolerance', await oidcToken({}, { exp: Math.floor(Date.now() / 1000) - 120 })],
    ['unknown key id', await oidcToken({}, { exp: '5m', kid: 'nope' })]
  ] as const) {
    const res = await me(token)
    t.equal(res.statusCode, 401, name)
    t.equal(res.json().code, 'UNAUTHENTICATED', name)
  }
  const withinTolerance = await me(await oidcToken({}, { exp: Math.floor(Date.now() / 1000) - 5 }))
  t.equal(withinTolerance.statusCode, 200, 'a small clock skew is tolerated')
})

t.test('HS256 tokens: signature, exp and algorithm are enforced', async (t) => {
  t.equal((await me(await tokenFor({ sub: 'hs-user', realm_access: { roles: ['admin'] } }))).statusCode, 200)
  t.equal((await me(await tokenFor({ sub: 'hs-user' }, { secret: 'another-secret-another-secret-another-1' }))).statusCode, 401, 'wrong secret')
  t.equal((await me(await tokenFor({ sub: 'hs-user' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }))).statusCode, 401, 'expired')
  const unsigned = new UnsecuredJWT({ roles: ['admin'] }).setSubject('mallory').setExpirationTime('1h').encode()
  t.equal((await me(unsigned)).statusCode, 401, 'alg none is refused')
  t.equal((await me('not.a.jwt')).statusCode, 401)
  const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('test-secret-test-secret-test-secret-0123'))
  t.equal((await me(noSub)).statusCode, 401, 'sub is required')
})

t.test('identity comes only from the token: no header can claim it', async (t) => {
  const token = await tokenFor({ sub: 'plain-requester' })
  const res = await h.request(token, { method: 'GET', url: '/v1/me', headers: { 'x-user-id': 'someone-else', 'x-roles': 'admin', 'x-forwarded-user': 'admin' } })
  t.same(res.json().roles, ['requester'])
  t.equal((await h.request(token, { method: 'POST', url: '/v1/desks', headers: { 'x-roles': 'admin' }, payload: { key: 'X', name: 'x' } })).statusCode, 403)
})

t.test('users are created on first sight and their claims refreshed', async (t) => {
  const first = await me(await tokenFor({ sub: 'carol', name: 'Carol', department: 'Finance', location: 'Berlin' }))
  t.match(first.json(), { name: 'Carol', department: 'Finance', location: 'Berlin' })
  const again = await me(await tokenFor({ sub: 'carol', name: 'Carol Smith', department: 'Finance' }))
  t.equal(again.json().id, first.json().id)
  t.equal(again.json().name, 'Carol Smith')
})

t.test('API keys: created by admins, shown once, scoped, revocable', async (t) => {
  const admin = await tokenFor({ sub: 'key-admin', realm_access: { roles: ['admin'] } })
  await h.request(admin, { method: 'POST', url: '/v1/desks', payload: { key: 'IT', name: 'IT' } })
  await h.request(admin, { method: 'POST', url: '/v1/desks', payload: { key: 'HR', name: 'HR' } })
  const created = await h.request(admin, { method: 'POST', url: '/v1/api-keys', payload: { name: 'Monitoring bot', role: 'requester' } })
  t.equal(created.statusCode, 201)
  const { key, id } = created.json()
  t.match(key, /^dk_/)
  const listed = await h.request(admin, { method: 'GET', url: '/v1/api-keys' })
  t.notOk(JSON.stringify(listed.json()).includes(key), 'the secret is never shown again')
  t.equal(listed.json().data[0].prefix, key.slice(0, 10))

  const ticket = await h.request(key, { method: 'POST', url: '/v1/tickets', payload: { type: 'incident', title: 'Disk full on db1', deskId: 'IT' } })
  t.equal(ticket.statusCode, 201)
  t.equal((await h.request(key, { method: 'GET', url: '/v1/me' })).json().name, 'Monitoring bot')
  t.equal((await h.request(key, { method: 'POST', url: '/v1/desks', payload: { key: 'Z', name: 'z' } })).statusCode, 403, 'a requester key has requester powers')

  const badDesk = await h.request(admin, { method: 'POST', url: '/v1/api-keys', payload: { name: 'x', role: 'agent', deskIds: ['NOPE'] } })
  t.equal(badDesk.statusCode, 400)

  t.equal((await h.request(admin, { method: 'DELETE', url: `/v1/api-keys/${id}` })).statusCode, 200)
  t.equal((await h.request(key, { method: 'GET', url: '/v1/me' })).statusCode, 401, 'revoked keys stop working at once')
  t.equal((await h.request(admin, { method: 'DELETE', url: `/v1/api-keys/${id}` })).statusCode, 404)
  t.equal((await h.request('dk_made_up_key', { method: 'GET', url: '/v1/me' })).statusCode, 401)
})
