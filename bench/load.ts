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
  /**
   * Interleaved with a baseline: time is cut into slices of `sliceMs`, and in every other slice
   * `{}` takes one of these values instead of `pick`'s. Both shares of the run see the same
   * machine within milliseconds, so drift that moves whole runs by tens of percent cancels out.
   * The baseline share is reported as `alternate`.
   */
  alternate?: { values: readonly string[], sliceMs: number } | undefined
  connections: number
  duration: number
  warmup: number
}

/** What one share of an interleaved run got (see LoadJob.alternate). */
export interface ShareResult {
  ok: number
  non2xx: number
  seconds: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
}

/** A timed run; with LoadJob.alternate, the ShareResult figures are the product's share alone. */
export interface LoadResult extends ShareResult {
  requests: number
  /** Requests sent during the warm-up before the timed run (for per-request CPU accounting). */
  warmupRequests: number
  errors: number
  /** With LoadJob.alternate: the baseline's share. */
  alternate?: ShareResult
  /** With LoadJob.alternate: when slice 0 began (epoch ms), so samples taken elsewhere can be split by share. */
  sliceOrigin?: number
}

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!

/** Every 2xx latency of one share (autocannon's own histogram has 1 ms resolution), and its failures. */
function createShare () {
  let latencies = new Float64Array(1 << 16)
  let count = 0
  let non2xx = 0
  return {
    add (status: number, responseTime: number) {
      if (status < 200 || status > 299) {
        non2xx++
        return
      }
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2)
        bigger.set(latencies)
        latencies = bigger
      }
      latencies[count++] = responseTime
    },
    result (seconds: number): ShareResult {
      const sorted = latencies.subarray(0, count).sort()
      const round = (n: number) => Math.round(n * 100) / 100
      return {
        ok: count,
        non2xx,
        seconds,
        rps: Math.round(count / seconds),
        p50: round(percentile(sorted, 50)),
        p90: round(percentile(sorted, 90)),
        p99: round(percentile(sorted, 99)),
        max: round(percentile(sorted, 100))
      }
    }
  }
}

/** Seconds of `elapsedMs` that fell in even slices (index 0) and odd ones (index 1). */
export function sliceShares (elapsedMs: number, sliceMs: number): [number, number] {
  const whole = Math.floor(elapsedMs / sliceMs)
  const rest = elapsedMs - whole * sliceMs
  const even = Math.ceil(whole / 2) * sliceMs + (whole % 2 === 0 ? rest : 0)
  return [even / 1000, (elapsedMs - even) / 1000]
}

async function fire (job: LoadJob, seconds: number): Promise<Omit<LoadResult, 'warmupRequests'>> {
  const target = new URL(job.url)
  const template = (target.pathname + target.search).replace('%7B%7D', '{}')
  const pick = job.pick
  const anyOf = (values: readonly string[]) => () => encodeURIComponent(values[Math.floor(Math.random() * values.length)]!)
  const choose = pick === undefined
    ? undefined
    : pick.values !== undefined
      ? anyOf(pick.values)
      : () => String(1 + Math.floor(Math.random() * (pick.max ?? 1)))
  const alternate = job.alternate
  const chooseAlternate = alternate === undefined ? undefined : anyOf(alternate.values)
  // Even slices are the product's, odd ones the baseline's; a response counts for the slice its request was sent in.
  const start = performance.now()
  const sliceAt = (t: number) => alternate === undefined ? 0 : Math.floor((t - start) / alternate.sliceMs) % 2
  const shares = [createShare(), createShare()] as const
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
        ...(choose === undefined
          ? {}
          : { setupRequest: (request) => ({ ...request, path: template.replace('{}', sliceAt(performance.now()) === 1 ? chooseAlternate!() : choose()) }) })
      }]
    }, (err: Error | null, result) => { if (err) reject(err); else resolve(result) })
    instance.on('response', (_client, status, _bytes, responseTime) => {
      (sliceAt(performance.now() - responseTime) === 1 ? shares[1] : shares[0]).add(status, responseTime)
    })
  })
  const [productSeconds, baselineSeconds] = alternate === undefined ? [result.duration, 0] : sliceShares(performance.now() - start, alternate.sliceMs)
  return {
    ...shares[0].result(productSeconds),
    // The whole timed run, also when the product had only its share of it.
    seconds: result.duration,
    requests: result.requests.total,
    errors: result.errors,
    ...(alternate === undefined ? {} : { alternate: shares[1].result(baselineSeconds), sliceOrigin: performance.timeOrigin + start })
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
