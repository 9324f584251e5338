// Throughput and latency of the real app over real HTTP against PostgreSQL, each product
// scenario measured right after the bare baseline it is compared with. See bench/README.md.
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/client.js'
import { createScratchTables, startInsert, startSelectOne, type Baseline } from './baselines.js'
import { explainLists, formatPlans, type Plan } from './explain.js'
import type { LoadJob, LoadResult } from './load.js'
import { scratchDatabase } from './postgres.js'
import { checkTargets, formatRows, formatSummaries, formatTargets, summarize, type Row } from './report.js'
import { COMMENT_WORDS, DESCRIPTION_WORDS, RARE_WORDS, seed, signToken, TITLE_SUBJECTS } from './seed.js'
import { seedCatalog } from './catalog-seed.js'
import { seedClockedTickets } from './clocked.js'
import { formatShareProfiles, splitByShare, startProfile, type ShareProfile } from './share-profile.js'

const { values: flags } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1,8' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: 'get,get-sla,get-sla-same-size,list,search,catalog,create' },
    explain: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false }
  }
})
const positive = (name: string, text: string, min = 1) => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`)
  return n
}
const options = {
  tickets: positive('tickets', flags.tickets, 1),
  duration: positive('duration', flags.duration),
  warmup: positive('warmup', flags.warmup, 0),
  connections: flags.connections.split(',').map(c => positive('connections', c.trim())),
  rounds: positive('rounds', flags.rounds),
  only: flags.only.split(',').map(s => s.trim())
}
const SCENARIOS = ['get', 'get-sla', 'get-sla-same-size', 'list', 'search', 'catalog', 'create']
const unknown = options.only.filter(name => !SCENARIOS.includes(name))
if (unknown.length > 0) throw new Error(`--only takes ${SCENARIOS.join(', ')}; not ${unknown.join(', ')}`)
const say = (text: string) => process.stderr.write(`${text}\n`)

// Two words of each kind (title, description, comment, rare) and one that matches nothing:
// common words favour walking the newest tickets, rare ones favour the GIN indexes.
const SEARCH_WORDS = [
  ...TITLE_SUBJECTS.slice(0, 2).map(w => w.toLowerCase()), ...DESCRIPTION_WORDS.slice(0, 2),
  ...COMMENT_WORDS.slice(0, 2), ...RARE_WORDS.slice(0, 2), 'nosuchword'
]

// Everything started is stopped in reverse order, once, on success, error, SIGINT or SIGTERM.
const stack: Array<() => Promise<unknown>> = []
let stopping: Promise<void> | undefined
const stopAll = async () => {
  stopping ??= (async () => {
    for (const stop of stack.reverse()) await stop().catch((err: Error) => say(`cleanup: ${err.message}`))
  })()
  return stopping
}
// A closed pipe (`| head`) or any stray error must still stop the cluster and the servers.
process.stdout.on('error', () => {})
process.stderr.on('error', () => {})
process.on('uncaughtException', (err) => { say(`bench failed: ${err.stack ?? err.message}`); stopAll().finally(() => process.exit(1)).catch(() => {}) })
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { say(`${signal}: stopping`); stopAll().finally(() => process.exit(130)).catch(() => {}) })
}
// A hung run must not outlive its budget: seeding plus every timed run with room to spare.
const runs = options.rounds * options.connections.length * options.only.length * 2
const budgetMs = 15 * 60_000 + runs * (options.duration + options.warmup + 30) * 1000
setTimeout(() => { say('watchdog: the run exceeded its time budget'); stopAll().finally(() => process.exit(2)).catch(() => {}) }, budgetMs).unref()

function startLoadGenerator (): { run: (job: LoadJob) => Promise<LoadResult> } {
  const child: ChildProcess = fork(new URL('./load.ts', import.meta.url), { stdio: 'inherit' })
  stack.push(async () => { if (child.connected) child.disconnect(); if (child.exitCode === null) child.kill() })
  let next = 0
  return {
    run: (job) => new Promise((resolve, reject) => {
      const id = next++
      const timer = setTimeout(() => reject(new Error('load generator timed out')), (job.duration + job.warmup + 30) * 1000)
      const onMessage = (message: { id: number, result?: LoadResult, error?: string }) => {
        if (message.id !== id) return
        clearTimeout(timer)
        child.off('message', onMessage)
        if (message.error !== undefined) reject(new Error(message.error))
        else resolve(message.result!)
      }
      child.on('message', onMessage)
      child.send({ id, job })
    })
  }
}

/**
 * Runs a load job and charges this process's CPU time (user + system) to the requests it sent,
 * warm-up included. Every server measured lives in this process and only one is under load at a
 * time, so this is the server's CPU per request: unlike req/s, it barely moves when other work
 * competes for the cores (it leaves out PostgreSQL's and the load generator's share).
 */
async function measured (run: () => Promise<LoadResult>): Promise<{ result: LoadResult, cpuUsPerRequest: number }> {
  const before = process.cpuUsage()
  const result = await run()
  const used = process.cpuUsage(before)
  return { result, cpuUsPerRequest: (used.user + used.system) / Math.max(1, result.requests + result.warmupRequests) }
}

async function main () {
  const startedAt = new Date()
  const { databaseUrl, serverVersion } = await scratchDatabase('docket_bench', stack, say)

  const secret = randomBytes(24).toString('hex')
  const database = openDatabase({ url: databaseUrl })
  stack.push(() => database.close())
  const config = loadConfig({ DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: secret, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' })
  const app = await buildApp(config, { database })
  stack.push(() => app.close())
  const appUrl = await app.listen({ host: '127.0.0.1', port: 0 })

  say(`seeding ${options.tickets} tickets`)
  const seeded = await seed({ appUrl, databaseUrl, secret, tickets: options.tickets })
  say(`seeded ${seeded.tickets} tickets and ${seeded.comments} comments in ${seeded.seconds.toFixed(1)} s`)
  const catalog = await seedCatalog(databaseUrl, seeded.deskId, seeded.teamId)
  say(`seeded ${catalog.services} services and ${catalog.items} catalogue items`)
  // Browsing is measured as a requester the eligibility rules apply to.
  const requesterToken = await signToken(secret, 'bench-requester', ['requester'], { department: 'Sales', location: 'Berlin' })
  const probes = options.only.some(name => name.startsWith('get-sla')) ? await seedClockedTickets(appUrl, seeded.adminToken, 500) : { clocked: [], unclocked: [], padded: [], bytes: { clocked: 0, padded: 0 } }
  if (probes.clocked.length > 0) say(`opened ${probes.unclocked.length} problems without clocks, ${probes.padded.length} more padded to ${probes.bytes.padded} bytes, then ${probes.clocked.length} with three SLA clocks each (${probes.bytes.clocked} bytes)`)

  // Plans of the seeded state, which is what the read scenarios see (create runs last).
  let plans: Plan[] = []
  if (flags.explain) {
    plans = await explainLists(databaseUrl, seeded.adminId, [
      { name: 'list status=new&priority=p2', query: { status: 'new', priority: 'p2', limit: 50 } },
      ...SEARCH_WORDS.map(q => ({ name: `search q=${q}`, query: { q, limit: 50 } }))
    ])
  }

  await createScratchTables(databaseUrl)
  const baselines: Record<'insert' | 'select1', Baseline> = {
    insert: await startInsert(databaseUrl, seeded),
    select1: await startSelectOne(databaseUrl)
  }
  for (const b of Object.values(baselines)) stack.push(b.close)
  const load = startLoadGenerator()

  const auth = { authorization: `Bearer ${seeded.adminToken}` }
  const json = { 'content-type': 'application/json' }
  const createBody = JSON.stringify({ type: 'incident', deskId: 'IT', title: 'Laptop does not start after update', description: 'The docking station firmware was updated last night.' })
  // interleaved: the baseline runs inside the product's run, in alternate slices (LoadJob.alternate).
  const scenarios: Array<{ name: string, baseline: keyof typeof baselineJobs, interleaved?: true, job: Omit<LoadJob, 'connections' | 'duration' | 'warmup'> }> = [
    { name: 'get', baseline: 'select1', job: { url: `${appUrl}/v1/tickets/IT-{}`, method: 'GET', headers: auth, pick: { max: seeded.tickets } } },
    // The same read of tickets that carry three clocks, against the read of the same kind of tickets that carry none.
    // A difference of a few percent: interleaved every 25 ms, so the machine's drift hits both alike.
    { name: 'get-sla', baseline: 'unclocked', interleaved: true, job: { url: `${appUrl}/v1/tickets/IT-{}`, method: 'GET', headers: auth, pick: { values: probes.clocked.map(String) }, alternate: { values: probes.unclocked.map(String), sliceMs: 25 } } },
    // The control: against tickets without clocks that read exactly as many bytes, the clocks cost only their work.
    { name: 'get-sla-same-size', baseline: 'padded', interleaved: true, job: { url: `${appUrl}/v1/tickets/IT-{}`, method: 'GET', headers: auth, pick: { values: probes.clocked.map(String) }, alternate: { values: probes.padded.map(String), sliceMs: 25 } } },
    { name: 'list', baseline: 'select1', job: { url: `${appUrl}/v1/tickets?status=new&priority=p2&limit=50`, method: 'GET', headers: auth } },
    { name: 'search', baseline: 'select1', job: { url: `${appUrl}/v1/tickets?q={}&limit=50`, method: 'GET', headers: auth, pick: { values: SEARCH_WORDS } } },
    // As a browser asks for it: portals are browsers, and every browser sends Accept-Encoding.
    { name: 'catalog', baseline: 'select1', job: { url: `${appUrl}/v1/catalog`, method: 'GET', headers: { authorization: `Bearer ${requesterToken}`, 'accept-encoding': 'gzip, deflate, br' } } },
    // Last: the tickets it opens would otherwise be the newest rows every later list and search walks past.
    { name: 'create', baseline: 'insert', job: { url: `${appUrl}/v1/tickets`, method: 'POST', headers: { ...auth, ...json }, body: createBody } }
  ]
  const baselineJobs = {
    insert: { url: baselines.insert.url, method: 'POST', headers: json, body: createBody },
    select1: { url: baselines.select1.url, method: 'GET', headers: {} },
    unclocked: { url: `${appUrl}/v1/tickets/IT-{}`, method: 'GET', headers: auth, pick: { values: probes.unclocked.map(String) } },
    padded: { url: `${appUrl}/v1/tickets/IT-{}`, method: 'GET', headers: auth, pick: { values: probes.padded.map(String) } }
  } as const

  const rows: Row[] = []
  const profiles: Array<ShareProfile & { scenario: string, baseline: string, connections: number, round: number }> = []
  const timing = { duration: options.duration, warmup: options.warmup }
  for (const scenario of scenarios.filter(s => options.only.includes(s.name))) {
    for (const connections of options.connections) {
      // The first interleaved round a fresh server serves read 7–13 points below the rest (its
      // larger share's code still being compiled): one round is run first and not counted.
      if (scenario.interleaved === true && connections === options.connections[0]) {
        say(`${scenario.name} interleaved with ${scenario.baseline} at ${connections} connection(s), a warm-up round, not counted`)
        await load.run({ ...scenario.job, connections, ...timing })
      }
      for (let round = 1; round <= options.rounds; round++) {
        if (scenario.interleaved === true) {
          say(`${scenario.name} interleaved with ${scenario.baseline} at ${connections} connection(s), round ${round} of ${options.rounds}`)
          const stopProfile = flags.profile ? await startProfile() : undefined
          const { result } = await measured(() => load.run({ ...scenario.job, connections, ...timing }))
          const share = result.alternate!
          if (stopProfile !== undefined) {
            const run = { origin: result.sliceOrigin!, seconds: result.seconds, sliceMs: scenario.job.alternate!.sliceMs, requests: [result.ok, share.ok] as [number, number] }
            profiles.push({ scenario: scenario.name, baseline: scenario.baseline, connections, round, ...splitByShare(await stopProfile(), run) })
          }
          // One process serves both shares: its CPU time cannot be split between them.
          rows.push({ scenario: scenario.baseline, kind: 'baseline', connections, round, result: { ...share, requests: share.ok + share.non2xx, warmupRequests: 0, errors: 0 }, cpuUsPerRequest: NaN })
          rows.push({ scenario: scenario.name, kind: 'product', connections, round, result, cpuUsPerRequest: NaN, baseline: `${scenario.baseline}, interleaved`, ratio: result.rps / share.rps })
          continue
        }
        say(`${scenario.baseline} then ${scenario.name} at ${connections} connection(s), round ${round} of ${options.rounds}`)
        const base = await measured(() => load.run({ ...baselineJobs[scenario.baseline], connections, ...timing }))
        rows.push({ scenario: scenario.baseline, kind: 'baseline', connections, round, ...base })
        const product = await measured(() => load.run({ ...scenario.job, connections, ...timing }))
        rows.push({ scenario: scenario.name, kind: 'product', connections, round, ...product, baseline: scenario.baseline, ratio: product.result.rps / base.result.rps })
      }
    }
  }

  const summaries = summarize(rows)
  const targets = checkTargets(summaries)
  const out = [
    `Docket bench: ${seeded.tickets} tickets, ${options.duration} s per run after ${options.warmup} s warm-up, PostgreSQL ${serverVersion}, ${cpus().length} CPUs, Node ${process.version}`,
    '', 'Every run, in order:', formatRows(rows),
    '', `Medians over ${options.rounds} round(s); ratio = req/s over the baseline run just before:`, formatSummaries(summaries),
    '', formatTargets(targets),
    ...formatShareProfiles(profiles),
    ...formatPlans(plans)
  ]
  process.stdout.write(`${out.join('\n')}\n`)
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const file = new URL(`${stamp}.json`, dir)
  await writeFile(file, JSON.stringify({
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, postgres: serverVersion },
    options,
    searchWords: SEARCH_WORDS,
    seed: { tickets: seeded.tickets, comments: seeded.comments, seconds: seeded.seconds },
    rows,
    summaries,
    targets,
    profiles,
    plans
  }, null, 2))
  say(`results written to ${file.pathname}`)
}

try {
  await main()
} catch (err) {
  say(`bench failed: ${(err as Error).stack ?? String(err)}`)
  process.exitCode = 1
} finally {
  await stopAll()
}
