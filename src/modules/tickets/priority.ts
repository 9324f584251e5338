export const LEVELS = ['high', 'medium', 'low'] as const
export type Level = typeof LEVELS[number]
export const PRIORITIES = ['p1', 'p2', 'p3', 'p4'] as const
export type Priority = typeof PRIORITIES[number]

const weight: Record<Level, number> = { high: 0, medium: 1, low: 2 }

/**
 * ITIL impact × urgency matrix: high/high p1; high/medium and medium/high p2;
 * high/low, medium/medium, low/high p3; the rest p4.
 */
export function priorityFor (impact: Level, urgency: Level): Priority {
  const sum = weight[impact] + weight[urgency]
  return sum === 0 ? 'p1' : sum === 1 ? 'p2' : sum === 2 ? 'p3' : 'p4'
}
