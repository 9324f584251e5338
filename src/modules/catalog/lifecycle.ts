/** A service's lifecycle: planned (`pipeline`), offered (`live`), withdrawn (`retired`). */
export const LIFECYCLES = ['pipeline', 'live', 'retired'] as const
export type Lifecycle = typeof LIFECYCLES[number]

const allowed: Record<Lifecycle, readonly Lifecycle[]> = {
  pipeline: ['live', 'retired'],
  live: ['retired'],
  // A retired service may be offered again; its tickets stayed readable throughout.
  retired: ['live']
}

export const nextLifecycles = (from: Lifecycle): readonly Lifecycle[] => allowed[from]
export const canMove = (from: Lifecycle, to: Lifecycle): boolean => allowed[from].includes(to)
