import t from 'tap'
import fc from 'fast-check'
import { ByteWriter } from '../../src/shared/byte-writer.js'

t.test('bytes, ASCII and UTF-8 pieces come out in order, growing the buffer as needed', async (t) => {
  const out = new ByteWriter(4)
  out.bytes(Buffer.from('{"a":'))
  out.ascii(String(-12.5))
  out.utf8(',"b":"Störung – Drucker 🖨"}')
  t.equal(out.result().toString('utf8'), '{"a":-12.5,"b":"Störung – Drucker 🖨"}')
  t.equal(out.result().length, Buffer.byteLength('{"a":-12.5,"b":"Störung – Drucker 🖨"}'))
})

t.test('property: any sequence of pieces reads back as their concatenation', async (t) => {
  const piece = fc.oneof(
    fc.string().map(s => ({ kind: 'utf8' as const, s })),
    fc.string({ unit: 'grapheme' }).map(s => ({ kind: 'utf8' as const, s })),
    fc.double({ noNaN: true }).map(n => ({ kind: 'ascii' as const, s: String(n) })),
    fc.string().map(s => ({ kind: 'bytes' as const, s }))
  )
  fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.array(piece, { maxLength: 30 }), (capacity, pieces) => {
    const out = new ByteWriter(capacity)
    for (const { kind, s } of pieces) {
      if (kind === 'bytes') out.bytes(Buffer.from(s))
      else out[kind](s)
    }
    return out.result().equals(Buffer.from(pieces.map(p => p.s).join('')))
  }))
  t.pass('property held')
})

t.test('property: integers and hundredths are written as JSON writes the numbers', async (t) => {
  const text = (write: (out: ByteWriter) => void) => { const out = new ByteWriter(1); write(out); return out.result().toString('latin1') }
  fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -100, max: 100 })), n => text(out => out.integer(n)) === JSON.stringify(n)))
  fc.assert(fc.property(fc.oneof(fc.integer({ min: -1e9 + 1, max: 1e9 - 1 }), fc.integer({ min: 0, max: 20_000 }), fc.maxSafeInteger()), h => text(out => out.hundredths(h)) === JSON.stringify(h / 100)))
  t.equal(text(out => out.hundredths(1875)), '18.75')
  t.equal(text(out => out.hundredths(1870)), '18.7')
  t.equal(text(out => out.hundredths(1800)), '18')
  t.equal(text(out => out.hundredths(5)), '0.05')
  t.equal(text(out => out.integer(1.5)), '1.5', 'not an integer: written as JSON writes it')
})
