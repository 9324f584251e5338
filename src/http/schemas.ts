import { Type, type TSchema, type TString } from '@sinclair/typebox'
import { DEFAULT_LIMIT, MAX_LIMIT } from '../shared/pagination.js'
import { ProblemSchema } from './problem.js'

export const Uuid = Type.String({ format: 'uuid' })
export const Timestamp = Type.String({ format: 'date-time' })
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

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
