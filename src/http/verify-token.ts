import { createSecretKey } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import type { Config } from '../config.js'
import { UnauthenticatedError } from '../shared/errors.js'
import { ROLES, type Role } from '../shared/principal.js'
import type { VerifiedIdentity } from '../modules/users/service.js'

const CLOCK_TOLERANCE_SECONDS = 30

/** Reads a claim by dotted path (`realm_access.roles`). */
function claimAt (payload: JWTPayload, path: string): unknown {
  let value: unknown = payload
  for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part]
  return value
}

const text = (v: unknown, max = 320) => typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined

/** Builds the token verifier: HS256 with a shared secret, or OIDC tokens checked against a JWKS URL. */
export function createTokenVerifier (auth: Config['auth'] & { jwtSecret: string | undefined }) {
  // A KeyObject is imported once; a raw secret would be re-imported on every verification.
  const secret = auth.jwtSecret === undefined ? undefined : createSecretKey(Buffer.from(auth.jwtSecret, 'utf8'))
  const jwks = auth.jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(auth.jwksUrl))
  const common = { requiredClaims: ['exp', 'sub'], clockTolerance: CLOCK_TOLERANCE_SECONDS }
  // Issuer and audience belong to the OIDC provider's tokens, not to locally signed ones.
  const oidc = {
    ...common,
    ...(auth.issuer !== undefined ? { issuer: auth.issuer } : {}),
    ...(auth.audience !== undefined ? { audience: auth.audience } : {})
  }
  // A token verified once stays valid until its `exp`: remember it (bounded) instead of
  // checking its signature on every request.
  const verified = new Map<string, { identity: VerifiedIdentity, expiresAt: number }>()
  const MAX_CACHED = 10_000

  return async function verify (token: string, nowMs: number): Promise<VerifiedIdentity> {
    const hit = verified.get(token)
    if (hit !== undefined) {
      if (hit.expiresAt > nowMs) return hit.identity
      verified.delete(token)
    }
    const { identity, exp } = await verifyOnce(token)
    if (verified.size >= MAX_CACHED) verified.clear()
    verified.set(token, { identity, expiresAt: exp * 1000 })
    return identity
  }

  async function verifyOnce (token: string): Promise<{ identity: VerifiedIdentity, exp: number }> {
    let payload: JWTPayload
    try {
      const { alg } = decodeProtectedHeader(token)
      if (alg === 'HS256' && secret !== undefined) {
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }))
      } else if (alg !== 'HS256' && alg !== 'none' && jwks !== undefined) {
        ({ payload } = await jwtVerify(token, jwks, { ...oidc, algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] }))
      } else {
        throw new Error(`tokens signed with ${String(alg)} are not accepted`)
      }
    } catch (err) {
      throw new UnauthenticatedError(`The bearer token was rejected: ${(err as Error).message}`)
    }
    const claimed = claimAt(payload, auth.rolesClaim)
    const listed = Array.isArray(claimed) ? claimed : typeof claimed === 'string' ? claimed.split(/[ ,]+/) : []
    const roles = listed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r))
    const identity: VerifiedIdentity = {
      sub: payload.sub!,
      email: text(payload.email) ?? null,
      name: text(payload.name, 200) ?? null,
      roles: roles.length > 0 ? roles : ['requester'],
      department: text(payload.department, 200),
      location: text(payload.location, 200)
    }
    return { identity, exp: payload.exp! }
  }
}
