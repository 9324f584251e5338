import t from 'tap'
import fc from 'fast-check'
import { LEVELS, priorityFor, type Level } from '../../src/modules/tickets/priority.js'

t.test('the ITIL impact × urgency matrix', async (t) => {
  const table: Array<[Level, Level, string]> = [
    ['high', 'high', 'p1'], ['high', 'medium', 'p2'], ['medium', 'high', 'p2'],
    ['high', 'low', 'p3'], ['medium', 'medium', 'p3'], ['low', 'high', 'p3'],
    ['medium', 'low', 'p4'], ['low', 'medium', 'p4'], ['low', 'low', 'p4']
  ]
  for (const [impact, urgency, expected] of table) t.equal(priorityFor(impact, urgency), expected, `${impact}/${urgency}`)
})

const level = fc.constantFrom(...LEVELS)
const rank = (l: Level) => LEVELS.indexOf(l)

t.test('property: the matrix is symmetric', async () => {
  fc.assert(fc.property(level, level, (a, b) => priorityFor(a, b) === priorityFor(b, a)))
})

t.test('property: raising impact or urgency never lowers the priority', async () => {
  fc.assert(fc.property(level, level, level, (impact, urgency, higher) => {
    if (rank(higher) > rank(impact)) return true
    return priorityFor(higher, urgency) <= priorityFor(impact, urgency)
  }))
})
