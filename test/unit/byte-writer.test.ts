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
