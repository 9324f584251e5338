/** The only source of "now" for services; tests pass a controllable one. */
export interface Clock { now: () => Date }

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until moved; for tests and simulations. */
export function fixedClock (start: Date): Clock & { set: (d: Date) => void, advance: (ms: number) => void } {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    set: (d) => { current = d.getTime() },
    advance: (ms) => { current += ms }
  }
}
