// The load generator runs in its own process (forked by run.ts), so it does not share an
// event loop with the servers it measures. It takes one job at a time over IPC and exits
// when the parent disconnects.
import autocannon from 'autocannon'

export interface LoadJob {
  /** Full URL; with `pick`, its path is a template whose `{}` is replaced on every request. */
  url: string
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string | undefined
  /** Random integer 1..max, or a random element of values, substituted for `{}`. */
  pick?: { max?: number, values?: readonly string[] } | undefined
  connections: number
  duration: number
  warmup: number
}

export interface LoadResult {
  requests: number
  /** Requests sent during the warm-up before the timed run (for per-request CPU accounting). */
  warmupRequests: number
  ok: number
  non2xx: number
  errors: number
  seconds: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!

async function fire (job: LoadJob, seconds: number): Promise<Omit<LoadResult, 'warmupRequests'>> {
  const target = new URL(job.url)
  const template = (target.pathname + target.search).replace('%7B%7D', '{}')
  const pick = job.pick
  const choose = pick === undefined
    ? undefined
    : pick.values !== undefined
      ? () => encodeURIComponent(pick.values![Math.floor(Math.random() * pick.values!.length)]!)
      : () => String(1 + Math.floor(Math.random() * (pick.max ?? 1)))
  // autocannon's own latency histogram has 1 ms resolution; keep every 2xx latency instead.
  let latencies = new Float64Array(1 << 16)
  let count = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url: target.origin,
      connections: job.connections,
      duration: seconds,
      timeout: 10,
      requests: [{
        method: job.method,
        path: template,
        headers: job.headers,
        body: job.body,
        ...(choose === undefined ? {} : { setupRequest: (request) => ({ ...request, path: template.replace('{}', choose()) }) })
      }]
    }, (err: Error | null, result) => { if (err) reject(err); else resolve(result) })
    instance.on('response', (_client, status, _bytes, responseTime) => {
      if (status < 200 || status > 299) return
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2)
        bigger.set(latencies)
        latencies = bigger
      }
      latencies[count++] = responseTime
    })
  })
  const sorted = latencies.subarray(0, count).sort()
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    seconds: result.duration,
    rps: Math.round(result['2xx'] / result.duration),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100))
  }
}

/** Warms up (JIT, pool connections, caches), then measures for `duration` seconds. */
export async function runJob (job: LoadJob): Promise<LoadResult> {
  const warmup = job.warmup > 0 ? await fire(job, job.warmup) : undefined
  return { ...await fire(job, job.duration), warmupRequests: warmup?.requests ?? 0 }
}

if (process.send !== undefined) {
  process.on('message', (message: { id: number, job: LoadJob }) => {
    runJob(message.job).then(
      (result) => process.send!({ id: message.id, result }),
      (err: Error) => process.send!({ id: message.id, error: err.stack ?? err.message })
    )
  })
  process.on('disconnect', () => process.exit(0))
}
