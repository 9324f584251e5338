import t from 'tap'
import { createClockCache, parseClockVersions } from '../../src/modules/sla/clock-reads.js'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { startClock, pauseClock, viewClock } from '../../src/modules/sla/clock.js'

const calendar = compileCalendar({ timeZone: 'Europe/Berlin', workingHours: [{ day: 'mon', from: '09:00', to: '17:00' }], holidays: [] })
const start = Date.parse('2026-11-30T08:00:00Z')
const running = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs: 3_600_000, calendarId: null }, calendar, start)
const paused = pauseClock(running, start + 600_000, 'status:pending')
const row = (id: string, revision: number, state: unknown) => ({ id, kind: 'sla', state, revision })

t.test('the versions a ticket read names', async (t) => {
  t.same(parseClockVersions('12;c1.1,c2.7'), { calendarRevision: 12, versions: ['c1.1', 'c2.7'] })
  t.same(parseClockVersions('0;c1.3'), { calendarRevision: 0, versions: ['c1.3'] })
})

t.test('a kept version answers with the same clock and view basis; a missing one answers nothing', async (t) => {
  const cache = createClockCache()
  t.equal(cache.named(['c1.1']), undefined, 'nothing kept yet')
  const first = cache.keep(row('c1', 1, running))
  t.equal(cache.keep(row('c1', 1, running)), first, 'kept once per version')
  t.same(first.state, running)
  t.equal(first.basis.pauseReason, null)
  const second = cache.keep(row('c2', 4, paused))
  t.same(cache.named(['c2.4', 'c1.1']), [second, first], 'in the order named')
  t.equal(cache.named(['c1.1', 'c2.5']), undefined, 'one newer revision than kept: read them all again')
  t.same(cache.named([]), [])
})

t.test('another revision of a clock is another entry: never a stale state', async (t) => {
  const cache = createClockCache()
  const before = cache.keep(row('c1', 1, running))
  const after = cache.keep(row('c1', 2, paused))
  t.not(after, before)
  t.equal(after.basis.pauseReason, 'status:pending')
  t.equal(cache.named(['c1.2'])![0], after)
  t.equal(cache.named(['c1.1'])![0], before, 'a read of an older snapshot still finds its own version')
})

t.test('views from a kept basis equal views computed afresh, at any instant', async (t) => {
  const cache = createClockCache()
  for (const [i, state] of [running, paused].entries()) {
    const clock = cache.keep(row(`c${i}`, 1, state))
    for (const now of [start, start + 1_800_000, start + 86_400_000 * 3]) {
      t.same(viewClock(clock.state, calendar, now, clock.basis), viewClock(state, calendar, now))
    }
  }
})

t.test('the oldest versions are dropped beyond the bound', async (t) => {
  const cache = createClockCache(2)
  const a = cache.keep(row('a', 1, running))
  cache.keep(row('b', 1, paused))
  cache.keep(row('c', 1, running))
  t.equal(cache.named(['a.1']), undefined, 'evicted')
  t.not(cache.keep(row('a', 1, running)), a, 'kept again as a new entry')
  t.ok(cache.named(['c.1']))
})
