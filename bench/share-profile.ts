// The server's CPU during an interleaved run (LoadJob.alternate), split by share: a sampling
// profile of this process (where the app runs), each sample counted for the slice it fell in.
// Throughput at a few connections is bounded by this one thread, so its busy time per request
// is what a ratio between the shares is made of, and where it goes says what to work on.
import { Session } from 'node:inspector/promises'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], startTime: number, samples: number[], timeDeltas: number[] }

export interface ShareProfile {
  /** Busy (non-idle) µs of this thread per request answered: the product's share, then the baseline's. */
  busyUs: [number, number]
  /** Self time per request by function, the largest differences first. */
  functions: Array<{ name: string, productUs: number, baselineUs: number }>
}

/** Starts sampling this thread; the returned function stops and hands back the profile. */
export async function startProfile (): Promise<() => Promise<{ profile: Profile, clock: { monotonicUs: number, epochMs: number } }>> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  // The profile's timestamps are on the monotonic clock, the load generator's slices on the wall clock: relate them once.
  const clock = { monotonicUs: Number(process.hrtime.bigint() / 1000n), epochMs: performance.timeOrigin + performance.now() }
  await session.post('Profiler.start')
  return async () => {
    const { profile } = await session.post('Profiler.stop') as unknown as { profile: Profile }
    session.disconnect()
    return { profile, clock }
  }
}

const label = (node: ProfileNode) => {
  const url = node.callFrame.url.replace(/.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')
  return `${node.callFrame.functionName === '' ? '(anonymous)' : node.callFrame.functionName} ${url}:${node.callFrame.lineNumber + 1}`
}

/**
 * Splits the samples taken while the run was timed (from `origin`, epoch ms, for `seconds`) by
 * slice: even slices are the product's, odd ones the baseline's, as LoadJob.alternate sends them.
 */
export function splitByShare (
  { profile, clock }: Awaited<ReturnType<Awaited<ReturnType<typeof startProfile>>>>,
  run: { origin: number, seconds: number, sliceMs: number, requests: [number, number] },
  top = 40
): ShareProfile {
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const self = [new Map<string, number>(), new Map<string, number>()] as const
  const busy = [0, 0]
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i]!
    const spent = profile.timeDeltas[i + 1] ?? 0
    const epochMs = clock.epochMs + (at - clock.monotonicUs) / 1000
    if (epochMs < run.origin || epochMs >= run.origin + run.seconds * 1000) return
    const node = byId.get(id)!
    if (node.callFrame.functionName === '(idle)') return
    const share = Math.floor((epochMs - run.origin) / run.sliceMs) % 2
    busy[share]! += spent
    const name = label(node)
    self[share]!.set(name, (self[share]!.get(name) ?? 0) + spent)
  })
  const [product, baseline] = run.requests.map(n => Math.max(1, n)) as [number, number]
  const names = new Set([...self[0].keys(), ...self[1].keys()])
  const functions = [...names]
    .map(name => ({ name, productUs: (self[0].get(name) ?? 0) / product, baselineUs: (self[1].get(name) ?? 0) / baseline }))
    .sort((a, b) => Math.abs(b.productUs - b.baselineUs) - Math.abs(a.productUs - a.baselineUs))
    .slice(0, top)
  return { busyUs: [busy[0]! / product, busy[1]! / baseline], functions }
}

/** Per connection count: every round's busy time per share, then the functions averaged over the rounds. */
export function formatShareProfiles (profiles: Array<ShareProfile & { scenario: string, baseline: string, connections: number }>): string[] {
  const out: string[] = []
  for (const connections of [...new Set(profiles.map(p => p.connections))]) {
    const group = profiles.filter(p => p.connections === connections)
    const { scenario, baseline } = group[0]!
    out.push('', `Server CPU by share (--profile), ${scenario} against ${baseline} at ${connections} connection(s): busy µs per request, per round:`)
    out.push(...group.map(p => `  ${p.busyUs[0].toFixed(1)} vs ${p.busyUs[1].toFixed(1)} (×${(p.busyUs[0] / p.busyUs[1]).toFixed(2)})`))
    const mean = new Map<string, [number, number]>()
    for (const p of group) {
      for (const f of p.functions) {
        const sum = mean.get(f.name) ?? [0, 0]
        mean.set(f.name, [sum[0] + f.productUs / group.length, sum[1] + f.baselineUs / group.length])
      }
    }
    out.push(`  self µs per request, mean of ${group.length} round(s): ${scenario}, ${baseline}, difference, function`)
    out.push(...[...mean].sort((a, b) => Math.abs(b[1][0] - b[1][1]) - Math.abs(a[1][0] - a[1][1])).slice(0, 15)
      .map(([name, [p, b]]) => `  ${p.toFixed(2).padStart(8)} ${b.toFixed(2).padStart(8)} ${(p - b).toFixed(2).padStart(8)}  ${name}`))
  }
  return out
}
