import t from 'tap'
import fc from 'fast-check'
import { ByteWriter, keptApart } from '../../src/shared/byte-writer.js'

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

t.test('property: writers open at once, written in any interleaving and finished in any order, keep their own bytes', async (t) => {
  const step = fc.record({ writer: fc.nat(5), text: fc.string({ unit: 'grapheme', maxLength: 400 }), finish: fc.boolean() })
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 6, maxLength: 6 }), fc.array(step, { maxLength: 60 }), (capacities, steps) => {
    const writers = capacities.map(c => new ByteWriter(c))
    const expected = capacities.map(() => '')
    const finished: Array<{ bytes: Buffer, text: string }> = []
    for (const { writer, text, finish } of steps) {
      writers[writer]!.utf8(text)
      expected[writer] += text
      // A result is a snapshot: what is written afterwards goes to a new buffer.
      if (finish) finished.push({ bytes: writers[writer]!.result(), text: expected[writer]! })
    }
    writers.forEach((w, i) => finished.push({ bytes: w.result(), text: expected[i]! }))
    return finished.every(({ bytes, text }) => bytes.toString('utf8') === text)
  }))
  t.pass('property held')
})

t.test('pieces kept apart: equal to the originals, in one buffer of their own', async (t) => {
  const originals = ['{"id":"a",', '', 'Störung 🖨', ',"rest":true}'].map(text => Buffer.from(text))
  const kept = keptApart(originals)
  t.same(kept.map(piece => piece.toString('utf8')), originals.map(piece => piece.toString('utf8')))
  const total = originals.reduce((sum, piece) => sum + piece.length, 0)
  t.ok(kept.every(piece => piece.buffer === kept[0]!.buffer), 'one buffer')
  t.equal(kept[0]!.buffer.byteLength, total, 'holding only the pieces, not a pool')
  // The originals share Node's pool; writing over them leaves the kept pieces as they were.
  for (const piece of originals) piece.fill(0x21)
  t.equal(kept.map(piece => piece.toString('utf8')).join(''), '{"id":"a",Störung 🖨,"rest":true}')
  t.same(keptApart([]), [])
})
