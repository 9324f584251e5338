import t from 'tap'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { pauseClock, startClock, type ClockState } from '../../src/modules/sla/clock.js'
import { clockViewer } from '../../src/modules/sla/clock-view-memo.js'
import { createClockJsonSets } from '../../src/modules/sla/clock-json-sets.js'
import type { ResolvedCalendar } from '../../src/modules/sla/calendar-cache.js'
import type { KeptClock } from '../../src/modules/sla/clock-reads.js'
import { ByteWriter } from '../../src/shared/byte-writer.js'

const HOUR = 3600_000
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
const office = { timeZone: 'Europe/Berlin', workingHours: weekdays.map(day => ({ day, from: '09:00', to: '17:00' })), holidays: [] }
const resolved = (definition: typeof office): ResolvedCalendar => ({ calendar: compileCalendar(definition), calendarId: 'cal', timeZone: definition.timeZone })
// Monday 1 June 2026, 09:00 in Berlin.
const start = Date.parse('2026-06-01T07:00:00Z')
const keptClock = (id: string, kind: 'sla' | 'ola', state: ClockState): KeptClock => ({ id, kind, state, viewer: clockViewer(id, state) })
const stateOf = (kind: 'sla' | 'ola', calendar: ResolvedCalendar) => startClock({ policyId: `p-${kind}`, policyVersion: 1, kind, metric: 'resolution', goalMs: 8 * HOUR, calendarId: 'cal' }, calendar.calendar, start)
const text = (write: (out: ByteWriter) => void) => { const out = new ByteWriter(64); write(out); return out.result().toString('utf8') }

t.test('a set is kept while its span and its calendars stand, per visibility', async (t) => {
  // The calendar cache as a test double of its lookup: what is compiled, at which revision.
  let compiled = { revision: 1, calendar: resolved(office) }
  const setFor = createClockJsonSets((id, revision) => id === 'cal' && compiled.revision >= revision ? compiled.calendar : undefined)
  const clocks = [keptClock('a', 'ola', stateOf('ola', compiled.calendar)), keptClock('b', 'sla', stateOf('sla', compiled.calendar))]
  const at = start + HOUR
  const internal = setFor(clocks, true, 1, at)!
  const customer = setFor(clocks, false, 1, at)!
  t.equal(setFor(clocks, true, 1, at + 1000), internal, 'kept within its span')
  t.equal(setFor(clocks, false, 1, at + 1000), customer, 'one per visibility')
  t.same(JSON.parse(`[${text(out => internal.write(out, at))}]`).map((c: { id: string }) => c.id), ['a', 'b'])
  t.same(JSON.parse(`[${text(out => customer.write(out, at))}]`).map((c: { id: string }) => c.id), ['b'], 'OLA clocks only for the desk')
  // 17:00 Berlin ends the working stretch: a new set for the evening.
  const evening = setFor(clocks, true, 1, Date.parse('2026-06-01T15:00:00Z'))
  t.not(evening, internal, 'rebuilt past its span')
  t.ok(evening !== undefined && evening.from === Date.parse('2026-06-01T15:00:00Z'))
  // A read at a later calendar revision than the one compiled, inside the kept set's span: no set
  // (the caller reads the calendar).
  t.equal(setFor(clocks, true, 2, Date.parse('2026-06-01T16:00:00Z')), undefined, 'a calendar not compiled at the read\'s revision')
  compiled = { revision: 2, calendar: resolved({ ...office, workingHours: [] }) }
  // Open around the clock now: at 22:00 Berlin the clock has counted 13 hours, not the office's 8.
  const night = Date.parse('2026-06-01T20:00:00Z')
  t.match(JSON.parse(`[${text(out => evening!.write(out, night))}]`), [{ businessElapsedMs: 8 * HOUR }, { businessElapsedMs: 8 * HOUR }], 'under the office calendar')
  const recompiled = setFor(clocks, true, 2, night)!
  t.not(recompiled, evening, 'rebuilt under the recompiled calendar')
  t.match(JSON.parse(`[${text(out => recompiled.write(out, night))}]`), [{ businessElapsedMs: 13 * HOUR }, { businessElapsedMs: 13 * HOUR }])
  // Another calendar's change raises the revision; this one stands as compiled.
  compiled = { ...compiled, revision: 3 }
  t.equal(setFor(clocks, true, 3, night + 1000), recompiled, 'kept at a later revision under the same calendar')
  // The calendar changes at revision 4. A read at revision 3 (a snapshot before the change) is
  // answered as the set found current at 3; one at 4 gets a set under the new calendar.
  compiled = { revision: 4, calendar: resolved(office) }
  t.equal(setFor(clocks, true, 3, night + 2000), recompiled, 'a revision it stood at is not looked at again')
  const changed = setFor(clocks, true, 4, night + 2000)!
  t.not(changed, recompiled, 'rebuilt at the revision of the change')
  t.match(JSON.parse(`[${text(out => changed.write(out, night + 2000))}]`), [{ businessElapsedMs: 8 * HOUR }, { businessElapsedMs: 8 * HOUR }])
  // A paused clock's due instant moves with every instant: no set.
  const paused = [keptClock('c', 'sla', pauseClock(stateOf('sla', compiled.calendar), start + HOUR, 'status:pending'))]
  t.equal(setFor(paused, false, 2, start + 2 * HOUR), undefined, 'an open pause is written clock by clock')
})
