import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { UnauthenticatedError } from '../shared/errors.js'
import type { Principal } from '../shared/principal.js'
import { createTokenVerifier } from './verify-token.js'

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
  interface FastifyContextConfig { public?: boolean }
}

/** The authenticated caller of a protected route (the auth hook guarantees one). */
export function principalOf (request: FastifyRequest): Principal {
  if (request.principal === null) throw new UnauthenticatedError()
  return request.principal
}

/**
 * Authentication at the edge: identity comes only from a verified bearer token
 * (a JWT, or an API key `dk_…`); no header other than Authorization is trusted.
 */
export default fp<{ auth: Config['auth'] }>(async (app, { auth }) => {
  const verify = createTokenVerifier(auth)
  app.decorateRequest('principal', null)

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public === true || request.routeOptions.url === undefined) return
    const header = request.headers.authorization
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (match === null) {
      reply.header('www-authenticate', 'Bearer')
      throw new UnauthenticatedError()
    }
    const token = match[1]!
    if (token.startsWith('dk_')) {
      const key = await app.services.apiKeys.authenticate(token)
      const principal = key === undefined ? undefined : await app.services.users.principalForApiKey(key)
      if (principal === undefined) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"')
        throw new UnauthenticatedError('The API key is unknown or revoked')
      }
      request.principal = principal
      return
    }
    let identity
    try {
      identity = await verify(token, Date.now())
    } catch (err) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      throw err
    }
    request.principal = await app.services.users.principalFor(identity)
  })
}, { name: 'auth', dependencies: ['services'] })
