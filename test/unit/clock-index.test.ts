import t from 'tap'
import fc from 'fast-check'
import { compileCalendar } from '../../src/modules/sla/business-time.js'
import { pauseClock, resumeClock, startClock, stopClock, cancelClock, viewClock, type ClockState } from '../../src/modules/sla/clock.js'
import { clockIndex } from '../../src/modules/sla/clock-index.js'
import { thresholdMs } from '../../src/modules/sla/clock-math.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
// Mon–Fri 09:00–17:00 in Berlin; 2025-06-02 is a Monday.
const berlin = compileCalendar({
  timeZone: 'Europe/Berlin',
  workingHours: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map(day => ({ day, from: '09:00', to: '17:00' })),
  holidays: []
})
const origin = Date.parse('2025-06-02T08:30+02:00')
const WARN = [50, 75]

type Step = { op: 'pause' | 'resume' | 'stop' | 'cancel', afterMs: number }
const steps = fc.array(fc.record({ op: fc.constantFrom('pause', 'resume', 'pause', 'resume', 'stop', 'cancel'), afterMs: fc.integer({ min: 0, max: 30 * HOUR }) }), { maxLength: 6 })

function run (goalMs: number, list: readonly Step[]): { state: ClockState, latest: number } {
  let state = startClock({ policyId: 'p', policyVersion: 1, kind: 'sla', metric: 'resolution', goalMs, calendarId: null }, berlin, origin)
  let now = origin
  for (const step of list) {
    now += step.afterMs
    if (step.op === 'pause') state = pauseClock(state, now, 'status:pending')
    if (step.op === 'resume') state = resumeClock(state, now)
    if (step.op === 'stop') state = stopClock(state, now)
    if (step.op === 'cancel') state = cancelClock(state, now)
  }
  return { state, latest: now }
}

t.test('the stored instants answer exactly what the view says at any later instant', async (t) => {
  t.doesNotThrow(() => fc.assert(fc.property(
    fc.integer({ min: 1, max: 40 }).map(n => n * 30 * MINUTE),
    steps,
    fc.integer({ min: 0, max: 60 * HOUR }),
    fc.constantFrom(0, 1, -1),
    (goalMs, list, later, nudge) => {
      const { state, latest } = run(goalMs, list)
      const index = clockIndex(state, berlin, WARN)
      // Probe right at the stored instants too, where off-by-one errors live.
      const probes = [latest + later, ...[index.breachAt, index.atRiskAt, index.dueAt].filter((v): v is number => v !== null).map(v => v + nudge)]
      for (const now of probes.filter(p => p >= latest)) {
        const view = viewClock(state, berlin, now)
        const breached = index.breachAt !== null && index.breachAt < now
        if (breached !== (view.state === 'breached')) return false
        const open = view.stoppedAt === null
        const atRisk = open && !breached && view.businessElapsedMs >= thresholdMs(goalMs, 50)
        if (atRisk !== (index.atRiskAt !== null && index.atRiskAt <= now && !breached)) return false
        if (index.dueAt !== null && (view.paused || !open || new Date(index.dueAt).toISOString() !== view.dueAt)) return false
        if (index.dueAt === null && open && !view.paused && view.dueAt !== null) return false
      }
      return true
    }
  ), { numRuns: 2000 }))
})

t.test('worked cases', async (t) => {
  const fresh = run(8 * HOUR, [])
  t.same(clockIndex(fresh.state, berlin, WARN), {
    dueAt: Date.parse('2025-06-02T17:00+02:00'),
    breachAt: Date.parse('2025-06-02T17:00+02:00'),
    atRiskAt: Date.parse('2025-06-02T13:00+02:00')
  }, 'running: due and breach at 17:00, at risk from 50 % (13:00)')
  t.same(clockIndex(fresh.state, berlin, []), { dueAt: fresh.state.originalDueAt, breachAt: fresh.state.originalDueAt, atRiskAt: null }, 'no thresholds: never at risk')
  const pausedEarly = run(8 * HOUR, [{ op: 'pause', afterMs: 2 * HOUR }])
  t.same(clockIndex(pausedEarly.state, berlin, WARN), { dueAt: null, breachAt: null, atRiskAt: null }, 'paused before any threshold')
  const pausedLate = run(8 * HOUR, [{ op: 'pause', afterMs: 6 * HOUR }])
  t.same(clockIndex(pausedLate.state, berlin, WARN), { dueAt: null, breachAt: null, atRiskAt: Date.parse('2025-06-02T13:00+02:00') }, 'paused past 50 %: stays at risk')
  const stoppedLate = run(HOUR, [{ op: 'stop', afterMs: 3 * HOUR }])
  t.same(clockIndex(stoppedLate.state, berlin, WARN), { dueAt: null, breachAt: Date.parse('2025-06-02T10:00+02:00'), atRiskAt: null }, 'stopped late: breached for good')
  const cancelled = run(HOUR, [{ op: 'cancel', afterMs: 3 * HOUR }])
  t.same(clockIndex(cancelled.state, berlin, WARN), { dueAt: null, breachAt: null, atRiskAt: null })
})
