import { spawn } from 'node:child_process'
import { mkdtempSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'

const freePort = () => new Promise<number>(resolve => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as AddressInfo; s.close(() => resolve(port)) })
})

t.test('a fresh start on the embedded database: migrations, a development secret, a token that works, clean shutdown', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'docket-boot-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', AUTH_JWT_SECRET: '', LOG_LEVEL: 'info' }
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>(resolve => server.on('exit', code => resolve(code)))
  t.teardown(() => { server.kill('SIGKILL') })

  for (let i = 0; i < 480 && !output.includes('docket is ready'); i++) await new Promise(resolve => setTimeout(resolve, 500))
  t.match(output, 'docket is ready')
  t.match(output, 'npm run token -- --role admin', 'the console says how to mint a token')
  t.ok(existsSync(join(dataDir, 'dev-jwt-secret')))

  const health = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(health.status, 200)
  t.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200)

  const token = await new Promise<string>((resolve, reject) => {
    const minting = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/token.ts', '--role', 'admin'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    minting.stdout.on('data', (c: Buffer) => { out += c.toString() })
    minting.on('exit', code => code === 0 ? resolve(out.trim()) : reject(new Error(`token exited ${code}`)))
  })
  const desk = await fetch(`http://127.0.0.1:${port}/v1/desks`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ key: 'IT', name: 'IT' }) })
  t.equal(desk.status, 201)
  t.notOk(output.includes(token), 'the bearer token never reaches the logs')
  t.match(output, /"reqId"/, 'request logs carry request ids')

  server.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM drains and exits cleanly')
})

t.test('a bad configuration stops the start with a clear message', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: 'nope', DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(err, /Invalid configuration/)
  t.match(err, /PORT/)
})
