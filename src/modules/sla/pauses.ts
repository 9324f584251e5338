/** A span [from, to) in which a clock does not count, in epoch ms; `to: null` means it has not ended yet. */
export interface PauseSpan {
  from: number
  to: number | null
}

const NO_PAUSES: readonly number[] = []

/**
 * Sorts and merges pauses into a flat [from0, to0, from1, to1, …] list of disjoint spans with
 * increasing ends (an open pause ends at Infinity), so the walkers can keep one moving index.
 * Throws RangeError for a pause that ends before it starts or has a non-finite start.
 */
export function normalizePauses (pauses: readonly PauseSpan[] | undefined): readonly number[] {
  if (pauses === undefined || pauses.length === 0) return NO_PAUSES
  const spans: Array<[number, number]> = []
  for (const pause of pauses) {
    const to = pause.to ?? Infinity
    if (!Number.isFinite(pause.from) || Number.isNaN(to) || to < pause.from) {
      throw new RangeError(`Invalid pause ${JSON.stringify(pause)}: needs a finite from and a to that is null or not before from`)
    }
    if (to > pause.from) spans.push([pause.from, to])
  }
  spans.sort((a, b) => a[0] - b[0])
  const flat: number[] = []
  for (const [from, to] of spans) {
    const last = flat.length - 1
    if (last > 0 && from <= flat[last]!) flat[last] = Math.max(flat[last]!, to)
    else flat.push(from, to)
  }
  return flat
}
