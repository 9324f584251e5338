/**
 * A growing byte buffer for writing a response body piece by piece: bytes kept from earlier
 * (already encoded), short ASCII text such as numbers, and UTF-8 text.
 */
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
