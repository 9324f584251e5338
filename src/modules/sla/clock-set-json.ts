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
import { keptApart, type ByteWriter } from '../../shared/byte-writer.js'
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
// A clock's row of figures: [stopped (1/0), stretch from, working (1/0), elapsed at from,
// startedAt, goalMs, dueAt, breach (NaN for null)]. A set's views, three per clock: [running
// head (a stopped clock: its whole JSON), breached head, rest].
const STRIDE = 8

/** The numbers a clock's figures follow from through its stretch, as a row (see figuresAt). */
export function figureRow (clock: StretchJson): Float64Array {
  return Float64Array.of(Buffer.isBuffer(clock.json) ? 1 : 0, clock.from, clock.working ? 1 : 0, clock.elapsed, clock.startedAt, clock.goalMs, clock.dueAt ?? NaN, clock.breach ?? NaN)
}

/** The figures of a running clock that change from read to read. */
export interface Moving { isBreached: boolean, elapsed: number, actual: number, percentage: number }

const noFigures = (): Moving => ({ isBreached: false, elapsed: 0, actual: 0, percentage: 0 })

/**
 * A running clock's moving figures at `now` (in its stretch), from its row at `at` of `rows`,
 * into `into`: business time grows one for one in a working stretch and stands still outside
 * one; breached after the breach instant; the whole goal used up from the due instant.
 */
export function figuresAt (rows: Float64Array, at: number, now: number, into: Moving = noFigures()): Moving {
  const elapsed = rows[at + 3]! + (rows[at + 2] === 1 ? now - rows[at + 1]! : 0)
  // NaN (no due or breach instant) compares false: never breached, never due.
  into.isBreached = rows[at + 7]! < now
  into.elapsed = elapsed
  into.actual = now - rows[at + 4]!
  into.percentage = percentageOf(elapsed, rows[at + 5]!, rows[at + 6]! <= now)
  return into
}

export interface ClockSetJson {
  /** Reads at instants in [from, to) are written from this set. */
  readonly from: number
  readonly to: number
  /** Appends the clocks' JSON at `nowMs` (in [from, to)), separated by commas: JSON.stringify of each clock's view at that instant. */
  write: (out: ByteWriter, nowMs: number) => void
}

export function clockSetJson (clocks: readonly StretchJson[]): ClockSetJson {
  // Views made once, of one buffer: a read copies from them and allocates nothing for the pieces.
  const views = keptApart(clocks.flatMap(({ json }) => Buffer.isBuffer(json) ? [json, EMPTY, EMPTY] : [json.running, json.breached, json.rest]))
  const figures = new Float64Array(clocks.length * STRIDE)
  clocks.forEach((clock, i) => figures.set(figureRow(clock), i * STRIDE))
  const count = clocks.length
  // Written and read within each clock's turn of a write: one for the set, not one per read.
  const moving = noFigures()
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
        const { isBreached, elapsed, actual, percentage } = figuresAt(figures, at, now, moving)
        out.bytes(views[3 * i + (isBreached ? 1 : 0)]!)
        writeFigures(out, elapsed, figures[at + 5]!, actual, percentage)
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
