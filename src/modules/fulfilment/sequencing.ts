import type { TaskStatus } from './schema.js'

/** What sequencing needs of a task. */
export interface SequencedTask { order: number, status: TaskStatus }

export const isFinished = (status: TaskStatus) => status === 'done' || status === 'cancelled'

/**
 * The order whose tasks may be worked now: the lowest order that still has an unfinished task.
 * Tasks of one order run in parallel; the next order starts when all of the lower ones finished.
 */
export function workableOrder (tasks: readonly SequencedTask[]): number | undefined {
  let lowest: number | undefined
  for (const t of tasks) if (!isFinished(t.status) && (lowest === undefined || t.order < lowest)) lowest = t.order
  return lowest
}

/** Status of a new task joining `existing` ones: open when nothing of a lower order is unfinished. */
export function initialStatus (order: number, existing: readonly SequencedTask[]): TaskStatus {
  const lowest = workableOrder(existing)
  return lowest === undefined || order <= lowest ? 'open' : 'pending'
}

/** The pending tasks that become open now that earlier ones finished. */
export function tasksToOpen<T extends SequencedTask> (tasks: readonly T[]): T[] {
  const lowest = workableOrder(tasks)
  return lowest === undefined ? [] : tasks.filter(t => t.status === 'pending' && t.order <= lowest)
}

/** True when every task is finished and at least one was done: the request is fulfilled. */
export const isFulfilled = (tasks: readonly SequencedTask[]) =>
  tasks.length > 0 && tasks.every(t => isFinished(t.status)) && tasks.some(t => t.status === 'done')

/**
 * Checks a status change asked of a task. Pending tasks may only be cancelled (they wait for
 * earlier orders); done and cancelled are final. Returns the reason it is refused, if it is.
 */
export function refusedStatusChange (current: TaskStatus, to: TaskStatus): string | undefined {
  if (current === to) return undefined
  if (isFinished(current)) return `The task is ${current}; it cannot change any more`
  if (current === 'pending' && to !== 'cancelled') return 'The task waits for tasks of a lower order to finish'
  if (to === 'pending') return 'Tasks become pending only through sequencing'
  return undefined
}
