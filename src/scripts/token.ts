/* Mints a development bearer token: npm run token -- --role admin [--sub alice] [--name "Alice"] [--email a@example.com] [--ttl 8h] */
import { parseArgs } from 'node:util'
import { SignJWT } from 'jose'
import { loadConfig } from '../config.js'
import { readOrCreateDevSecret } from '../dev-secret.js'

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'requester' },
    sub: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string', default: '8h' }
  }
})
const config = loadConfig(process.env)
const secret = config.auth.jwtSecret ?? readOrCreateDevSecret(config.dataDir).secret
const roles = values.role.split(',')
const sub = values.sub ?? `dev-${roles[0]}`
const token = await new SignJWT({ roles, name: values.name ?? sub, email: values.email ?? `${sub}@example.com` })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(sub)
  .setIssuedAt()
  .setExpirationTime(values.ttl)
  .sign(new TextEncoder().encode(secret))
console.log(token)
