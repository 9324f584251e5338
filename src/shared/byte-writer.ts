/**
 * A growing byte buffer for writing a response body piece by piece: bytes kept from earlier
 * (already encoded), numbers written digit by digit, short ASCII text, and UTF-8 text.
 *
 * Writers take their space from a shared slab, as Buffer.allocUnsafe does from its pool, but a
 * larger one, and give back what they did not use when they finish: a response of a few KB costs
 * no allocation of its own, only a view of the slab (Node's 8 KB pool serves only sizes under
 * 4 KB, so a response above that would allocate). A slab lives as long as a response written in
 * it is still referenced.
 */
const ZERO = 0x30
const MINUS = 0x2d
const POINT = 0x2e

const SLAB_BYTES = 64 * 1024
let slab = Buffer.allocUnsafeSlow(0)
let slabUsed = 0

/** `size` bytes of the current slab (a fresh slab when it is full); beyond a quarter slab, a buffer of their own. */
function carve (size: number): Buffer {
  if (size > SLAB_BYTES / 4) return Buffer.allocUnsafeSlow(size)
  if (slabUsed + size > slab.length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    slabUsed = 0
  }
  const piece = slab.subarray(slabUsed, slabUsed + size)
  slabUsed += size
  return piece
}

/** Gives back the unused end of `piece` when it is the latest space carved from the current slab. */
function giveBack (piece: Buffer, used: number): void {
  if (piece.buffer !== slab.buffer || piece.byteOffset + piece.length !== slabUsed) return
  // Keep the next writer's start aligned to 8 bytes, as Node's pool does.
  slabUsed = Math.min(slabUsed, (piece.byteOffset + used + 7) & ~7)
}

/**
 * The pieces copied into one buffer of their own, a view of it each: bytes kept for long, apart
 * from the shared pools, where a small piece would keep a whole pool's memory alive with it.
 */
export function keptApart (pieces: readonly Uint8Array[]): Buffer[] {
  const bytes = Buffer.allocUnsafeSlow(pieces.reduce((sum, piece) => sum + piece.length, 0))
  let length = 0
  return pieces.map(piece => {
    const view = bytes.subarray(length, length + piece.length)
    bytes.set(piece, length)
    length += piece.length
    return view
  })
}

export class ByteWriter {
  private buffer: Buffer
  private used = 0

  constructor (capacity = 4096) {
    this.buffer = carve(capacity)
  }

  /** Bytes as they are. */
  bytes (bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.used)
    this.used += bytes.length
  }

  /** One byte. */
  byte (code: number): void {
    this.reserve(1)
    this.buffer[this.used++] = code
  }

  /** Text known to be ASCII (digits, signs, a decimal point): one byte a character. */
  ascii (text: string): void {
    this.reserve(text.length)
    for (let i = 0; i < text.length; i++) this.buffer[this.used++] = text.charCodeAt(i)
  }

  /** A safe integer as JSON writes it, digit by digit (no string made). */
  integer (n: number): void {
    if (!Number.isSafeInteger(n)) return this.ascii(String(n))
    this.reserve(17)
    if (n < 0) {
      this.buffer[this.used++] = MINUS
      n = -n
    }
    let digits = 1
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++
    this.used += digits
    for (let i = this.used - 1; i >= this.used - digits; i--) {
      this.buffer[i] = ZERO + n % 10
      n = Math.floor(n / 10)
    }
  }

  /**
   * `hundredths / 100` as JSON writes that number (18.75, 18.7, 18), for an integer count of
   * hundredths; beyond a billion of them it falls back to the number's own string.
   */
  hundredths (hundredths: number): void {
    if (!Number.isInteger(hundredths) || Math.abs(hundredths) >= 1e9) return this.ascii(String(hundredths / 100))
    if (hundredths < 0) {
      this.ascii('-')
      hundredths = -hundredths
    }
    const whole = Math.floor(hundredths / 100)
    const fraction = hundredths % 100
    this.integer(whole)
    if (fraction === 0) return
    this.reserve(3)
    this.buffer[this.used++] = POINT
    this.buffer[this.used++] = ZERO + Math.floor(fraction / 10)
    if (fraction % 10 !== 0) this.buffer[this.used++] = ZERO + fraction % 10
  }

  utf8 (text: string): void {
    // Three bytes a UTF-16 unit at most; only when that may not fit is the exact length counted.
    if (this.used + text.length * 3 > this.buffer.length) this.reserve(Buffer.byteLength(text))
    this.used += this.buffer.write(text, this.used, 'utf8')
  }

  /**
   * The bytes written (a view of the writer's buffer, not a copy); the writer's unused space goes
   * back to the slab. Writing on afterwards starts a new buffer, so the result never changes.
   */
  result (): Buffer {
    const written = this.buffer.subarray(0, this.used)
    giveBack(this.buffer, this.used)
    this.buffer = written
    return written
  }

  private reserve (extra: number): void {
    if (this.used + extra <= this.buffer.length) return
    const grown = carve(Math.max(this.buffer.length * 2, this.used + extra))
    this.buffer.copy(grown, 0, 0, this.used)
    this.buffer = grown
  }
}
