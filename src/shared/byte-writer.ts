/**
 * A growing byte buffer for writing a response body piece by piece: bytes kept from earlier
 * (already encoded), numbers written digit by digit, short ASCII text, and UTF-8 text.
 */
const ZERO = 0x30
const MINUS = 0x2d
const POINT = 0x2e

export class ByteWriter {
  private buffer: Buffer
  private used = 0

  constructor (capacity = 4096) {
    this.buffer = Buffer.allocUnsafe(capacity)
  }

  /** Bytes as they are. */
  bytes (bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.used)
    this.used += bytes.length
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
    this.reserve(text.length * 3)
    this.used += this.buffer.write(text, this.used, 'utf8')
  }

  /** The bytes written so far (a view of the writer's buffer, not a copy). */
  result (): Buffer {
    return this.buffer.subarray(0, this.used)
  }

  private reserve (extra: number): void {
    if (this.used + extra <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + extra))
    this.buffer.copy(grown, 0, 0, this.used)
    this.buffer = grown
  }
}
