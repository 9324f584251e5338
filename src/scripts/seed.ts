/* Loads the demo catalogue into DATABASE_URL, or into the embedded database under DATA_DIR: npm run seed */
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { readOrCreateDevSecret } from '../dev-secret.js'
import { DEMO_PEOPLE, seedDemo } from '../demo/seed.js'

const config = loadConfig(process.env)
const secret = config.auth.jwtSecret ?? readOrCreateDevSecret(config.dataDir).secret
const app = await buildApp({ ...config, auth: { ...config.auth, jwtSecret: secret } }, { logger: false })
const { seeded } = await seedDemo(app.services)
await app.close()
console.log(seeded ? 'Demo catalogue loaded.' : 'The demo catalogue is already there (desk IT exists); nothing changed.')
console.log('Sign in as one of its people with a development token:')
for (const p of DEMO_PEOPLE) console.log(`  npm run token -- --sub ${p.sub} --role ${p.roles.join(',')}    # ${p.name}`)
