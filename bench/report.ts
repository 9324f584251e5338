import type { LoadResult } from './load.js'

export interface Row {
  scenario: string
  kind: 'baseline' | 'product'
  connections: number
  round: number
  result: LoadResult
  /** CPU time of the bench process (where the servers run) per request sent, in microseconds; NaN for interleaved runs, whose shares share one process. */
  cpuUsPerRequest: number
  /** For a product scenario: the baseline run just before it, and req/s as a share of that run's. */
  baseline?: string
  ratio?: number
}

/** One product scenario at one connection count, as the median over its rounds. */
export interface Summary {
  scenario: string
  connections: number
  rounds: number
  baseline: string
  baselineRps: number
  rps: number
  p50: number
  p99: number
  ratio: number
  /** Server CPU µs per request: the product's, its baseline's, and their ratio (medians). */
  cpuUs: number
  baselineCpuUs: number
  cpuRatio: number
  failed: number
}

export interface Target { name: string, passed: boolean, detail: string }

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
const failures = (r: LoadResult) => r.non2xx + r.errors
const cpu = (value: number, digits: number) => Number.isNaN(value) ? '–' : value.toFixed(digits)
const percent = (ratio: number) => `${Math.round(ratio * 100)}%`

/** Medians per scenario and connection count; each round's ratio pairs a run with its own baseline. */
export function summarize (rows: Row[]): Summary[] {
  const groups = new Map<string, Array<{ product: Row, base: Row }>>()
  rows.forEach((row, i) => {
    const base = rows[i - 1]
    if (row.kind !== 'product' || base === undefined) return
    const key = `${row.scenario}@${row.connections}`
    groups.set(key, [...groups.get(key) ?? [], { product: row, base }])
  })
  return [...groups.values()].map(pairs => {
    const first = pairs[0]!.product
    return {
      scenario: first.scenario,
      connections: first.connections,
      rounds: pairs.length,
      baseline: first.baseline ?? '',
      baselineRps: Math.round(median(pairs.map(p => p.base.result.rps))),
      rps: Math.round(median(pairs.map(p => p.product.result.rps))),
      p50: median(pairs.map(p => p.product.result.p50)),
      p99: median(pairs.map(p => p.product.result.p99)),
      ratio: median(pairs.map(p => p.product.ratio ?? 0)),
      cpuUs: median(pairs.map(p => p.product.cpuUsPerRequest)),
      baselineCpuUs: median(pairs.map(p => p.base.cpuUsPerRequest)),
      cpuRatio: median(pairs.map(p => p.product.cpuUsPerRequest / p.base.cpuUsPerRequest)),
      failed: pairs.reduce((n, p) => n + failures(p.product.result) + failures(p.base.result), 0)
    }
  })
}

/** The targets from the brief, on the medians; scenarios that were not run are left out. */
export function checkTargets (summaries: Summary[]): Target[] {
  const targets: Target[] = []
  const throughput = (scenario: string, minimum: number, against: string) => {
    for (const s of summaries.filter(s => s.scenario === scenario && s.connections === 8)) {
      targets.push({
        name: `${scenario} ≥ ${minimum * 100}% of ${against} req/s at 8 connections`,
        passed: s.ratio >= minimum && s.failed === 0,
        detail: `${percent(s.ratio)} (${s.rps} vs ${s.baselineRps} req/s)`
      })
    }
  }
  throughput('create', 0.5, 'the insert baseline')
  throughput('get', 0.6, 'SELECT 1')
  for (const s of summaries.filter(s => s.scenario === 'get-sla')) {
    const extra = 1 / s.ratio - 1
    targets.push({
      name: `reading a ticket with three clocks costs < 10% more than one without, at ${s.connections} connection${s.connections === 1 ? '' : 's'}`,
      passed: extra < 0.1 && s.failed === 0,
      detail: `${Math.round(extra * 100)}% more time per read (${s.rps} vs ${s.baselineRps} req/s)${Number.isNaN(s.cpuRatio) ? '' : `; cpu per read ×${s.cpuRatio.toFixed(2)}`}`
    })
  }
  for (const s of summaries.filter(s => s.scenario === 'catalog')) {
    targets.push({
      name: `catalog browse (1 000 services, 5 000 items, as a requester) p99 < 30 ms at ${s.connections} connection${s.connections === 1 ? '' : 's'}`,
      passed: s.p99 < 30 && s.failed === 0,
      detail: `p99 ${s.p99.toFixed(1)} ms`
    })
  }
  for (const s of summaries.filter(s => s.scenario === 'list' || s.scenario === 'search')) {
    targets.push({
      name: `${s.scenario} p99 < 25 ms at ${s.connections} connection${s.connections === 1 ? '' : 's'}`,
      passed: s.p99 < 25 && s.failed === 0,
      detail: `p99 ${s.p99.toFixed(1)} ms`
    })
  }
  return targets
}

function table (header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(row => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join('  ')
  return [line(header), widths.map(w => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

/** Every timed run in the order it ran; baselines in parentheses, each product naming the one before it. */
export function formatRows (rows: Row[]): string {
  return table(
    ['run', 'round', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'cpu µs/req', 'vs baseline', 'failed'],
    rows.map(r => [
      r.kind === 'baseline' ? `  (${r.scenario})` : r.scenario,
      String(r.round),
      String(r.connections),
      String(r.result.rps),
      r.result.p50.toFixed(2),
      r.result.p99.toFixed(2),
      cpu(r.cpuUsPerRequest, 0),
      r.ratio === undefined ? '' : `${percent(r.ratio)} of ${r.baseline ?? ''}`,
      String(failures(r.result))
    ])
  )
}

export function formatSummaries (summaries: Summary[]): string {
  return table(
    ['scenario', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'baseline', 'baseline req/s', 'ratio', 'cpu µs/req', 'baseline cpu', 'cpu ×'],
    summaries.map(s => [s.scenario, String(s.connections), String(s.rps), s.p50.toFixed(2), s.p99.toFixed(2), s.baseline, String(s.baselineRps), percent(s.ratio),
      cpu(s.cpuUs, 0), cpu(s.baselineCpuUs, 0), cpu(s.cpuRatio, 2)])
  )
}

export function formatTargets (targets: Target[]): string {
  return targets.map(t => `${t.passed ? 'PASS' : 'MISS'}  ${t.name}: ${t.detail}`).join('\n')
}
