import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export interface Cluster {
  /** Connection string for the `postgres` superuser's maintenance database. */
  url: string
  stop: () => Promise<void>
}

/** Asks the kernel for a free loopback port; a tiny race with other programs is accepted. */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

async function findBinaries (): Promise<string> {
  const root = '/usr/lib/postgresql'
  const versions = (await readdir(root).catch(() => [] as string[]))
    .filter(v => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
  if (versions[0] === undefined) throw new Error(`No PostgreSQL under ${root}: install one or set DATABASE_URL`)
  return join(root, versions[0], 'bin')
}

/**
 * Starts a throwaway cluster on a free loopback port. fsync is off: the data dies with the
 * run anyway, and the benchmark should measure the app, not this machine's disk flushes.
 * PostgreSQL refuses to run as root, so as root the binaries run as the `postgres` user.
 */
export async function startCluster (): Promise<Cluster> {
  const bin = await findBinaries()
  const dir = await mkdtemp(join(tmpdir(), 'docket-bench-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args]
    return run(file, argv, { timeout: 60_000 })
  }
  let started = false
  const stop = async () => {
    if (started) {
      started = false
      await exec('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']).catch(() => {})
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    if (asRoot) {
      const { stdout } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      await chown(dir, Number(stdout.trim()), Number(gid.trim()))
    }
    await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C'])
    const port = await freePort()
    const settings = [
      `-p ${port}`, '-h 127.0.0.1', `-k ${dir}`,
      '-c fsync=off', '-c max_connections=100'
    ].join(' ')
    started = true
    await exec('pg_ctl', ['start', '-D', data, '-w', '-t', '30', '-l', join(dir, 'postgres.log'), '-o', settings])
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * A fresh database named `<prefix>_<random>` on DATABASE_URL's server, or on a throwaway cluster
 * when it is unset. Each thing started is pushed on `stack` (cluster, database), to be undone in
 * reverse order.
 */
export async function scratchDatabase (prefix: string, stack: Array<() => Promise<unknown>>, say: (text: string) => void) {
  let serverUrl = process.env.DATABASE_URL
  if (serverUrl === undefined) {
    say('starting a throwaway PostgreSQL cluster')
    const cluster = await startCluster()
    stack.push(cluster.stop)
    serverUrl = cluster.url
  }
  const server = serverUrl
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server })
    await client.connect()
    try { return await client.query(text) } finally { await client.end() }
  }
  await admin(`create database ${name}`)
  stack.push(() => admin(`drop database if exists ${name} with (force)`))
  const url = new URL(server)
  url.pathname = `/${name}`
  const { rows: [version] } = await admin('show server_version')
  return { databaseUrl: url.toString(), admin, serverVersion: String((version as { server_version?: string } | undefined)?.server_version) }
}
