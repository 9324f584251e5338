// Micro-benchmark of the pure business-time module (issue 4, "Done means"): adding an
// 8-business-hour goal on a Mon–Fri 09:00–17:00 Europe/Berlin calendar with 15 holidays must run
// at ≥ 1 000 000 computations per second in one process, with the compiled calendar reused and
// its day cache warm. Starts are spread over a year so the cache holds a realistic number of days.
// Run: npx tsx bench/business-time.ts [--seconds 3]. Exit code 1 on a MISS.
import { parseArgs } from 'node:util'
import { addBusinessMs, businessMsBetween, compileCalendar, type CompiledCalendar, type PauseSpan } from '../src/modules/sla/business-time.js'
import type { CalendarDefinition, Weekday } from '../src/modules/sla/calendar.js'

const { values: flags } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } })
const seconds = Number(flags.seconds)
if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${flags.seconds}`)

const TARGET_OPS = 1_000_000
const HOUR = 3_600_000
const DAY = 24 * HOUR
const SAMPLES = 8192

const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri']
const definition: CalendarDefinition = {
  timeZone: 'Europe/Berlin',
  workingHours: weekdays.map(day => ({ day, from: '09:00', to: '17:00' })),
  holidays: [
    { date: '2026-01-01', name: 'New Year', recurring: true },
    { date: '2026-01-06', name: 'Epiphany', recurring: true },
    { date: '2026-04-03', name: 'Good Friday' },
    { date: '2026-04-06', name: 'Easter Monday' },
    { date: '2026-05-01', name: 'Labour Day', recurring: true },
    { date: '2026-05-14', name: 'Ascension' },
    { date: '2026-05-25', name: 'Whit Monday' },
    { date: '2026-06-04', name: 'Corpus Christi' },
    { date: '2026-08-15', name: 'Assumption', recurring: true },
    { date: '2026-10-03', name: 'German Unity', recurring: true },
    { date: '2026-11-01', name: 'All Saints', recurring: true },
    { date: '2026-12-24', name: 'Christmas Eve', recurring: true },
    { date: '2026-12-25', name: 'Christmas', recurring: true },
    { date: '2026-12-26', name: 'St Stephen', recurring: true },
    { date: '2026-12-31', name: 'New Year\'s Eve', recurring: true }
  ]
}

/** Deterministic xorshift32, so runs are comparable. */
function random (seed: number): () => number {
  let state = seed
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 0x1_0000_0000
  }
}

const next = random(0x5eed)
const yearStart = Date.parse('2026-01-01T00:00:00+01:00')
const starts = new Float64Array(SAMPLES)
const ends = new Float64Array(SAMPLES)
for (let i = 0; i < SAMPLES; i++) {
  starts[i] = yearStart + Math.floor(next() * 365 * DAY)
  ends[i] = starts[i]! + Math.floor(next() * 14 * DAY)
}

/** Calls `body` over all samples until `seconds` have passed; returns operations per second. */
function measure (body: (i: number) => number, durationSeconds: number): { opsPerSecond: number, check: number } {
  let check = 0
  let operations = 0
  const budget = BigInt(Math.round(durationSeconds * 1e9))
  const begin = process.hrtime.bigint()
  let elapsed = 0n
  while (elapsed < budget) {
    for (let i = 0; i < SAMPLES; i++) check += body(i)
    operations += SAMPLES
    elapsed = process.hrtime.bigint() - begin
  }
  // `check` is printed so the engine cannot drop the calls as dead code.
  return { opsPerSecond: operations / (Number(elapsed) / 1e9), check }
}

function run (name: string, body: (i: number) => number, target?: number): boolean {
  measure(body, 0.5)
  const { opsPerSecond, check } = measure(body, seconds)
  const verdict = target === undefined ? '' : opsPerSecond >= target ? ' PASS' : ' MISS'
  const targetText = target === undefined ? '' : ` (target ≥ ${target.toLocaleString('en-US')}/s)`
  console.log(`${name.padEnd(48)} ${Math.round(opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s ` +
    `${(1e9 / opsPerSecond).toFixed(0).padStart(6)} ns/op${targetText}${verdict}  [check ${check % 1000}]`)
  return target === undefined || opsPerSecond >= target
}

const compileBegin = process.hrtime.bigint()
const calendar: CompiledCalendar = compileCalendar(definition)
for (let i = 0; i < SAMPLES; i++) {
  addBusinessMs(calendar, starts[i]!, 8 * HOUR)
  businessMsBetween(calendar, starts[i]!, ends[i]!)
}
const warmMs = Number(process.hrtime.bigint() - compileBegin) / 1e6
console.log(`node ${process.version}, ${SAMPLES} start instants across 2026, ${seconds} s per measurement`)
console.log(`compile + first pass over the year (cold day cache): ${warmMs.toFixed(1)} ms`)

const pause: PauseSpan[] = [{ from: 0, to: 0 }]
const passed = [
  run('addBusinessMs, 8 business hours', (i) => addBusinessMs(calendar, starts[i]!, 8 * HOUR), TARGET_OPS),
  run('addBusinessMs, 15 minutes', (i) => addBusinessMs(calendar, starts[i]!, 15 * 60_000)),
  run('addBusinessMs, 40 business days', (i) => addBusinessMs(calendar, starts[i]!, 320 * HOUR)),
  run('addBusinessMs, 8 h with one 2 h pause', (i) => {
    pause[0] = { from: starts[i]!, to: starts[i]! + 2 * HOUR }
    return addBusinessMs(calendar, starts[i]!, 8 * HOUR, pause) ?? 0
  }),
  run('businessMsBetween, spans of 0–14 days', (i) => businessMsBetween(calendar, starts[i]!, ends[i]!))
].every(Boolean)
console.log(passed ? 'PASS' : 'MISS')
if (!passed) process.exitCode = 1
