/**
 * The JSON of clocks kept together: one buffer holding every clock's encoded pieces and one
 * array of numbers holding what their figures follow from (StretchJson, as a viewer in
 * ./clock-view-memo.ts measures it), valid for reads from the latest start of the clocks'
 * stretches to the earliest end. A read copies the buffer's pieces (through views made with the
 * set) and writes the figures between them. A ticket's clocks as one set touch a few
 * neighbouring blocks of memory per read, where viewers touch some eight objects per clock, and
 * allocate nothing per clock: on a server that reads hundreds of tickets in turn, those objects
 * were cold on every read, and the misses were most of what the clocks cost. A viewer writes
 * its own clock's JSON as a set of one, so the figures are written here alone.
 * Pure: the instant is passed in.
 */
import type { ByteWriter } from '../../shared/byte-writer.js'
import { percentageOf } from './clock-math.js'

/** A running clock's JSON up to businessElapsedMs (as running and as breached) and after percentage. */
export interface JsonPieces { running: Buffer, breached: Buffer, rest: Buffer }

/**
 * A clock's JSON at any instant of [from, to) under one calendar: fixed bytes for a stopped or
 * cancelled clock, else pieces around the figures, which follow from these numbers.
 */
export interface StretchJson {
  from: number
  to: number
  json: JsonPieces | Buffer
  /** Business time grows one for one with the instant. */
  working: boolean
  /** Business elapsed at `from`. */
  elapsed: number
  startedAt: number
  goalMs: number
  dueAt: number | null
  /** The instant after which the cycle is breached. */
  breach: number | null
}

const COMMA = 0x2c
// Per clock, in `figures`: [stopped (1/0), stretch from, working (1/0), elapsed at from,
// startedAt, goalMs, dueAt, breach (NaN for null)]; in `views`: [running head (a stopped
// clock: its whole JSON), breached head, rest].
const STRIDE = 8

export interface ClockSetJson {
  /** Reads at instants in [from, to) are written from this set. */
  readonly from: number
  readonly to: number
  /** Appends the clocks' JSON at `nowMs` (in [from, to)), separated by commas: JSON.stringify of each clock's view at that instant. */
  write: (out: ByteWriter, nowMs: number) => void
}

export function clockSetJson (clocks: readonly StretchJson[]): ClockSetJson {
  const pieces = clocks.flatMap(({ json }) => Buffer.isBuffer(json) ? [json, EMPTY, EMPTY] : [json.running, json.breached, json.rest])
  // A buffer of its own: one from Node's shared pool would keep the pool's 8 KB alive with it.
  const bytes = Buffer.allocUnsafeSlow(pieces.reduce((sum, piece) => sum + piece.length, 0))
  let length = 0
  // Views made once: a read copies from them and allocates nothing for the pieces.
  const views = pieces.map(piece => {
    const view = bytes.subarray(length, length + piece.length)
    length += piece.copy(bytes, length)
    return view
  })
  const figures = new Float64Array(clocks.length * STRIDE)
  clocks.forEach((clock, i) => {
    figures.set([Buffer.isBuffer(clock.json) ? 1 : 0, clock.from, clock.working ? 1 : 0, clock.elapsed, clock.startedAt, clock.goalMs, clock.dueAt ?? NaN, clock.breach ?? NaN], i * STRIDE)
  })
  const count = clocks.length
  return {
    from: Math.max(-Infinity, ...clocks.map(c => c.from)),
    to: Math.min(Infinity, ...clocks.map(c => c.to)),
    write (out, now) {
      for (let i = 0; i < count; i++) {
        const at = i * STRIDE
        if (i > 0) out.byte(COMMA)
        if (figures[at] === 1) {
          out.bytes(views[3 * i]!)
          continue
        }
        const elapsed = figures[at + 3]! + (figures[at + 2] === 1 ? now - figures[at + 1]! : 0)
        const goalMs = figures[at + 5]!
        // NaN (no due or breach instant) compares false: not breached, not yet due.
        out.bytes(views[3 * i + (figures[at + 7]! < now ? 1 : 0)]!)
        writeFigures(out, elapsed, goalMs, now - figures[at + 4]!, percentageOf(elapsed, goalMs, figures[at + 6]! <= now))
        out.bytes(views[3 * i + 2]!)
      }
    }
  }
}

const EMPTY = Buffer.alloc(0)
// The keys between the moving figures, encoded.
const REMAINING = Buffer.from(',"businessRemainingMs":')
const ACTUAL = Buffer.from(',"actualElapsedMs":')
const PERCENTAGE = Buffer.from(',"percentage":')

/** A running clock's four moving figures with the keys between them, after its head piece and before its rest. */
function writeFigures (out: ByteWriter, elapsed: number, goalMs: number, actual: number, percentage: number): void {
  out.integer(elapsed)
  out.bytes(REMAINING)
  out.integer(goalMs - elapsed)
  out.bytes(ACTUAL)
  out.integer(actual)
  out.bytes(PERCENTAGE)
  // percentageOf floors to hundredths: the product is their count, up to rounding.
  out.hundredths(Math.round(percentage * 100))
}
