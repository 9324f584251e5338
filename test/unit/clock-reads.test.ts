import t from 'tap'
import { createClockCache, parseClockRevision } from '../../src/modules/sla/clock-reads.js'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { startClock, pauseClock, viewClock } from '../../src/modules/sla/clock.js'
import type { StoredClock } from '../../src/modules/sla/repository.js'

const calendar = compileCalendar({ timeZone: 'Europe/Berlin', workingHours: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [] })
const start = Date.parse('2026-11-30T08:00:00Z')
const running = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: 3_600_000, calendarId: null }, calendar, start)
const paused = pauseClock(running, start + 600_000, 'status:pending')
const row = (id: string, ticketId: string, ticketRevision: number | null, state: unknown, kind = 'sla'): StoredClock => ({ id, ticketId, kind, state, ticketRevision, calendarRevision: 3 })

t.test('the revisions a ticket read names', async (t) => {
  t.same(parseClockRevision('12;4077'), { calendarRevision: 12, ticketRevision: 4077 })
  t.same(parseClockRevision('0;1'), { calendarRevision: 0, ticketRevision: 1 })
})

t.test('clocks read in full are answered per ticket in their order and kept by revision', async (t) => {
  const cache = createClockCache()
  t.equal(cache.named(7), undefined, 'nothing kept yet')
  // Rows of two tickets interleaved, as a list's read returns them.
  const read = cache.keep([row('a1', 'A', 7, running), row('b1', 'B', 9, paused, 'ola'), row('a2', 'A', 7, paused)])
  t.same(read.map(r => [r.ticketId, r.calendarRevision, r.clocks.map(c => c.id)]), [['A', 3, ['a1', 'a2']], ['B', 3, ['b1']]])
  const [a, b] = read
  t.same(a!.clocks[0]!.state, running)
  t.equal(a!.clocks[1]!.viewer.view(calendar, start + 600_000).pauseReason, 'status:pending')
  t.equal(b!.clocks[0]!.kind, 'ola')
  t.equal(cache.named(7), a!.clocks, 'a ticket read naming revision 7 finds them')
  t.equal(cache.named(9), b!.clocks)
  t.equal(cache.keep([row('a1', 'A', 7, running), row('a2', 'A', 7, paused)])[0]!.clocks, a!.clocks, 'read again at the same revision: the kept clocks')
})

t.test('another revision is another entry: never a stale state', async (t) => {
  const cache = createClockCache()
  const [before] = cache.keep([row('a1', 'A', 7, running)])
  const [after] = cache.keep([row('a1', 'A', 8, paused)])
  t.not(after!.clocks, before!.clocks)
  t.equal(cache.named(8)![0]!.viewer.view(calendar, start + 600_000).pauseReason, 'status:pending')
  t.equal(cache.named(7)![0]!.viewer.view(calendar, start + 600_000).pauseReason, null, 'a read of an older snapshot still finds its own revision')
})

t.test('clocks without a revision are answered but not kept', async (t) => {
  const cache = createClockCache()
  const [read] = cache.keep([row('a1', 'A', null, running)])
  t.equal(read!.clocks[0]!.id, 'a1')
  t.same(cache.keep([]), [])
  t.equal(cache.named(0), undefined)
})

t.test('views from a kept clock equal views computed afresh, at any instant', async (t) => {
  const cache = createClockCache()
  const [read] = cache.keep([row('a1', 'A', 1, running), row('a2', 'A', 1, paused)])
  for (const [i, state] of [running, paused].entries()) {
    const clock = read!.clocks[i]!
    for (const now of [start, start + 1_800_000, start + 86_400_000 * 3]) {
      t.same(clock.viewer.view(calendar, now), { id: clock.id, ...viewClock(state, calendar, now) })
    }
  }
})

t.test('the oldest revisions are dropped beyond the bound', async (t) => {
  const cache = createClockCache(2)
  const [a] = cache.keep([row('a1', 'A', 1, running)])
  cache.keep([row('b1', 'B', 2, paused)])
  cache.keep([row('c1', 'C', 3, running)])
  t.equal(cache.named(1), undefined, 'evicted')
  t.not(cache.keep([row('a1', 'A', 1, running)])[0]!.clocks, a!.clocks, 'kept again as a new entry')
  t.ok(cache.named(3))
  t.equal(cache.named(2), undefined, 'and the next oldest made room for it')
})
