/**
 * The JSON of a ticket's clocks kept together: one buffer holding every clock's encoded pieces
 * and one array of numbers holding what their figures follow from (./clock-view-memo.ts,
 * StretchJson), valid for reads from the latest start of the clocks' stretches to the earliest
 * end. A read copies ranges of the one buffer and writes the figures between them, touching two
 * blocks of memory per ticket instead of some eight objects per clock: on a server that reads
 * hundreds of tickets in turn, each clock's objects were cold on every read, and those misses
 * were most of what the clocks cost. Pure: the instant is passed in.
 */
import type { ByteWriter } from '../../shared/byte-writer.js'
import { percentageOf } from './clock-math.js'
import { writeFigures, type StretchJson } from './clock-view-memo.js'

const COMMA = 0x2c
// Per clock: [running head from, to, breached head from, to, rest from, to (a stopped clock: its
// whole JSON in the first range, -1 in the rest), stretch from, working (1/0), elapsed at from,
// startedAt, goalMs, dueAt, breach (NaN for null)].
const STRIDE = 13

export interface ClockSetJson {
  /** Reads at instants in [from, to) are written from this set. */
  readonly from: number
  readonly to: number
  /** Appends the clocks' JSON at `nowMs` (in [from, to)), separated by commas, as each clock's writeJson would. */
  write: (out: ByteWriter, nowMs: number) => void
}

export function clockSetJson (clocks: readonly StretchJson[]): ClockSetJson {
  const pieces: Buffer[] = []
  let length = 0
  const figures = new Float64Array(clocks.length * STRIDE)
  const range = (piece: Buffer, at: number) => {
    pieces.push(piece)
    figures[at] = length
    figures[at + 1] = length += piece.length
  }
  let from = -Infinity
  let to = Infinity
  clocks.forEach((clock, i) => {
    const at = i * STRIDE
    from = Math.max(from, clock.from)
    to = Math.min(to, clock.to)
    if (Buffer.isBuffer(clock.json)) {
      range(clock.json, at)
      figures[at + 2] = -1
      return
    }
    range(clock.json.running, at)
    range(clock.json.breached, at + 2)
    range(clock.json.rest, at + 4)
    figures.set([clock.from, clock.working ? 1 : 0, clock.elapsed, clock.startedAt, clock.goalMs, clock.dueAt ?? NaN, clock.breach ?? NaN], at + 6)
  })
  const bytes = Buffer.concat(pieces, length)
  const count = clocks.length
  return {
    from,
    to,
    write (out, now) {
      for (let at = 0; at < count * STRIDE; at += STRIDE) {
        if (at > 0) out.byte(COMMA)
        if (figures[at + 2] === -1) {
          out.slice(bytes, figures[at]!, figures[at + 1]!)
          continue
        }
        const elapsed = figures[at + 8]! + (figures[at + 7] === 1 ? now - figures[at + 6]! : 0)
        const goalMs = figures[at + 10]!
        // NaN (no due or breach instant) compares false, as null does in the viewer.
        const head = figures[at + 12]! < now ? at + 2 : at
        out.slice(bytes, figures[head]!, figures[head + 1]!)
        writeFigures(out, elapsed, goalMs, now - figures[at + 9]!, percentageOf(elapsed, goalMs, figures[at + 11]! <= now))
        out.slice(bytes, figures[at + 4]!, figures[at + 5]!)
      }
    }
  }
}
