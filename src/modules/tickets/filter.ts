import { parse } from '@rsql/parser'
import { isComparisonNode, isLogicNode, type ExpressionNode } from '@rsql/ast'
import { ValidationError } from '../../shared/errors.js'
import { STATUS_CATEGORIES, TICKET_TYPES } from '../workflows/definition.js'
import { LEVELS, PRIORITIES } from './priority.js'
import { CHANNELS } from './schema.js'

/** One internal filter that REST parameters, RSQL and GraphQL inputs all compile to. */
export type FilterOp = 'eq' | 'ne' | 'in' | 'out' | 'lt' | 'le' | 'gt' | 'ge'
export type FilterNode =
  | { kind: 'and' | 'or', nodes: FilterNode[] }
  | { kind: 'cmp', field: FilterField, op: FilterOp, values: string[] }

/**
 * Service-level states a ticket list filters by, at the instant of the request, over the clocks
 * the caller may see: `breached` when the current cycle of any clock reads breached (running or
 * paused past its due instant, or stopped late); `at_risk` when any running or paused clock of the
 * current cycle has counted its policy's first warning threshold and is not breached.
 */
export const SLA_STATES = ['breached', 'at_risk'] as const

type FieldKind = 'enum' | 'text' | 'ref' | 'time' | 'tag'
interface FieldSpec { kind: FieldKind, values?: readonly string[], ordered?: boolean, special?: readonly string[] }

export const FILTER_FIELDS = {
  status: { kind: 'text' },
  statusCategory: { kind: 'enum', values: STATUS_CATEGORIES },
  type: { kind: 'enum', values: TICKET_TYPES },
  priority: { kind: 'enum', values: PRIORITIES, ordered: true },
  impact: { kind: 'enum', values: LEVELS },
  urgency: { kind: 'enum', values: LEVELS },
  channel: { kind: 'enum', values: CHANNELS },
  key: { kind: 'text' },
  deskId: { kind: 'ref' },
  serviceId: { kind: 'ref' },
  assigneeId: { kind: 'ref', special: ['me', 'none'] },
  teamId: { kind: 'ref', special: ['none'] },
  requesterId: { kind: 'ref', special: ['me'] },
  parentId: { kind: 'ref', special: ['none'] },
  tag: { kind: 'tag' },
  createdAt: { kind: 'time' },
  updatedAt: { kind: 'time' },
  slaState: { kind: 'enum', values: SLA_STATES }
} as const satisfies Record<string, FieldSpec>
export type FilterField = keyof typeof FILTER_FIELDS

const opsFor = (spec: FieldSpec): readonly FilterOp[] =>
  spec.kind === 'time'
    ? ['eq', 'lt', 'le', 'gt', 'ge']
    : spec.kind === 'enum' && spec.ordered === true
      ? ['eq', 'ne', 'in', 'out', 'lt', 'le', 'gt', 'ge']
      : ['eq', 'ne', 'in', 'out']

const rsqlOps: Record<string, FilterOp> = {
  '==': 'eq', '!=': 'ne', '=in=': 'in', '=out=': 'out', '=lt=': 'lt', '<': 'lt', '=le=': 'le', '<=': 'le', '=gt=': 'gt', '>': 'gt', '=ge=': 'ge', '>=': 'ge'
}

/** Builds one comparison, refusing unknown fields, operators and values (never "match everything"). */
export function comparison (field: string, op: FilterOp, values: string[], path: string): FilterNode {
  const spec: FieldSpec | undefined = (FILTER_FIELDS as Record<string, FieldSpec>)[field]
  if (spec === undefined) throw new ValidationError([{ path, message: `${field} is not a filterable field; use one of ${Object.keys(FILTER_FIELDS).join(', ')}` }], 'INVALID_FILTER')
  if (!opsFor(spec).includes(op)) throw new ValidationError([{ path, message: `operator ${op} does not apply to ${field}` }], 'INVALID_FILTER')
  if (values.length === 0 || ((op !== 'in' && op !== 'out') && values.length > 1)) throw new ValidationError([{ path, message: `wrong number of values for ${field}` }], 'INVALID_FILTER')
  for (const v of values) {
    if (spec.kind === 'enum' && !spec.values!.includes(v)) throw new ValidationError([{ path, message: `${v} is not a valid ${field}; use one of ${spec.values!.join(', ')}` }], 'INVALID_FILTER')
    if (spec.kind === 'time' && Number.isNaN(Date.parse(v))) throw new ValidationError([{ path, message: `${v} is not an ISO-8601 date-time` }], 'INVALID_FILTER')
    if (v.length === 0 || v.length > 200) throw new ValidationError([{ path, message: `empty or oversized value for ${field}` }], 'INVALID_FILTER')
  }
  return { kind: 'cmp', field: field as FilterField, op, values }
}

const split = (value: string) => value.split(',').map(s => s.trim()).filter(s => s !== '')

/** Simple query parameters (`status=new,pending&priority=p1`) become an AND of comparisons. */
export function filterFromParams (params: Partial<Record<string, string | undefined>>): FilterNode[] {
  const nodes: FilterNode[] = []
  const listFields: Array<[string, FilterField]> = [
    ['status', 'status'], ['statusCategory', 'statusCategory'], ['type', 'type'], ['priority', 'priority'],
    ['deskId', 'deskId'], ['serviceId', 'serviceId'], ['assigneeId', 'assigneeId'], ['teamId', 'teamId'],
    ['requesterId', 'requesterId'], ['tag', 'tag'], ['slaState', 'slaState']
  ]
  for (const [param, field] of listFields) {
    const raw = params[param]
    if (raw === undefined) continue
    const values = split(raw)
    nodes.push(comparison(field, values.length === 1 ? 'eq' : 'in', values, `/query/${param}`))
  }
  const ranges: Array<[string, FilterField, FilterOp]> = [
    ['createdAfter', 'createdAt', 'ge'], ['createdBefore', 'createdAt', 'lt'], ['updatedAfter', 'updatedAt', 'ge'], ['updatedBefore', 'updatedAt', 'lt']
  ]
  for (const [param, field, op] of ranges) {
    const raw = params[param]
    if (raw !== undefined) nodes.push(comparison(field, op, [raw], `/query/${param}`))
  }
  return nodes
}

/** `filter=` RSQL (`;` and, `,` or, parentheses) over the same fields. */
export function filterFromRsql (text: string): FilterNode {
  let ast: ExpressionNode
  try {
    ast = parse(text)
  } catch (err) {
    throw new ValidationError([{ path: '/query/filter', message: `cannot parse: ${(err as Error).message.split('\n')[0] ?? 'syntax error'}` }], 'INVALID_FILTER')
  }
  const walk = (node: ExpressionNode): FilterNode => {
    if (isLogicNode(node)) {
      const kind = node.operator === ';' || node.operator === 'and' ? 'and' : 'or'
      return { kind, nodes: [walk(node.left), walk(node.right)] }
    }
    if (isComparisonNode(node)) {
      const op = rsqlOps[node.operator]
      if (op === undefined) throw new ValidationError([{ path: '/query/filter', message: `unknown operator ${node.operator}` }], 'INVALID_FILTER')
      const value = node.right.value
      return comparison(node.left.selector, op, Array.isArray(value) ? value.map(String) : [String(value)], '/query/filter')
    }
    throw new ValidationError([{ path: '/query/filter', message: 'unsupported expression' }], 'INVALID_FILTER')
  }
  return walk(ast)
}

export const SORT_FIELDS = ['createdAt', 'updatedAt', 'priority', 'status', 'type', 'key', 'slaDueAt'] as const
export type SortField = typeof SORT_FIELDS[number]
export interface SortKey { field: SortField, descending: boolean }

/** `sort=-priority,updatedAt`; defaults to newest first. */
export function parseSort (text: string | undefined): SortKey[] {
  if (text === undefined || text.trim() === '') return [{ field: 'createdAt', descending: true }]
  const keys = split(text).map(part => {
    const descending = part.startsWith('-')
    const field = descending ? part.slice(1) : part.replace(/^\+/, '')
    if (!(SORT_FIELDS as readonly string[]).includes(field)) {
      throw new ValidationError([{ path: '/query/sort', message: `${field} is not sortable; use one of ${SORT_FIELDS.join(', ')}` }], 'INVALID_FILTER')
    }
    return { field: field as SortField, descending }
  })
  if (new Set(keys.map(k => k.field)).size !== keys.length) throw new ValidationError([{ path: '/query/sort', message: 'a field appears twice' }], 'INVALID_FILTER')
  return keys
}
