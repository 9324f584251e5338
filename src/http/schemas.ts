import { Type, type Static, type TSchema, type TString, type TUnsafe } from '@sinclair/typebox'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../shared/pagination.js'
import { ProblemSchema } from './problem.js'

export const Uuid = Type.String({ format: 'uuid' })
export const Timestamp = Type.String({ format: 'date-time' })
/**
 * A string limited to `values`, written as JSON Schema `enum` (not `anyOf` of constants): the
 * response serializer then writes it directly instead of validating each value to pick a branch.
 */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })

/**
 * `schema` or null. Simple typed schemas become `type: [t, 'null']` (serialized directly);
 * references and compound schemas fall back to `anyOf`.
 */
export const Nullable = <T extends TSchema>(schema: T): TUnsafe<Static<T> | null> => {
  const { type, enum: values } = schema as { type?: unknown, enum?: unknown[] }
  if (typeof type === 'string') {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'], ...(Array.isArray(values) ? { enum: [...values, null] } : {}) })
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()]))
}

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size, 1..${MAX_LIMIT}` })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'nextCursor from the previous page' }))
}
export const ListQuerySchema = Type.Object(ListQuery, { additionalProperties: false })

export const PageOf = <T extends TSchema>(item: T, name: string) => Type.Object({
  data: Type.Array(item),
  nextCursor: Nullable(Type.String()),
  total: Type.Optional(Type.Integer())
}, { title: `${name}Page` })

export const IdParams = <K extends string>(name: K) =>
  Type.Object({ [name]: Type.String({ minLength: 1, maxLength: 200 }) } as Record<K, TString>)

/** Error responses every route may give; each route adds its success shape. */
export const errorResponses = {
  '4xx': Type.Ref(ProblemSchema),
  '5xx': Type.Ref(ProblemSchema)
}
