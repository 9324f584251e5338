import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FieldError } from '../../shared/errors.js'

/**
 * Catalogue item forms are JSON Schema 2020-12 documents describing a ticket's `fields`.
 * Answers are checked with every error reported and the form's defaults written in.
 * Unknown keywords are allowed (portals keep rendering hints in forms); remote `$ref`s are not.
 */
const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false, validateFormats: true })
addFormats.default(ajv)

export type Form = Record<string, unknown>

/** A form's own problems (not a schema, not an object form, unresolvable refs), as field errors under `base`. */
export function checkForm (form: unknown, base = '/form'): FieldError[] {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) return [{ path: base, message: 'must be a JSON Schema object' }]
  if ((form as Form).type !== 'object') return [{ path: `${base}/type`, message: 'must be "object": a form describes the ticket\'s fields object' }]
  if (!ajv.validateSchema(form)) {
    return (ajv.errors ?? []).map(e => ({ path: `${base}${e.instancePath}`, message: e.message ?? 'is not valid JSON Schema 2020-12' }))
  }
  try {
    ajv.compile(form)
  } catch (err) {
    return [{ path: base, message: (err as Error).message }]
  }
  return []
}

const compiled = new Map<string, ValidateFunction>()

/** The compiled validator of one form version; forms never change once stored, so this caches by key. */
function validatorFor (key: string, form: Form): ValidateFunction {
  let validate = compiled.get(key)
  if (validate === undefined) {
    validate = ajv.compile(form)
    if (compiled.size > 5000) compiled.clear()
    compiled.set(key, validate)
  }
  return validate
}

function toFieldError (error: ErrorObject, base: string): FieldError {
  const missing = error.keyword === 'required' ? `/${String((error.params as { missingProperty: string }).missingProperty)}` : ''
  const extra = error.keyword === 'additionalProperties' ? `/${String((error.params as { additionalProperty: string }).additionalProperty)}` : ''
  const message = error.keyword === 'required' ? 'is required' : error.keyword === 'additionalProperties' ? 'is not a field of this form' : error.message ?? 'is invalid'
  return { path: `${base}${error.instancePath}${missing}${extra}`, message }
}

/** Checks `answers` against a form version: the answers with defaults applied, or every error. */
export function validateAnswers (key: string, form: Form, answers: Record<string, unknown>, base = '/fields'):
{ ok: true, fields: Record<string, unknown> } | { ok: false, errors: FieldError[] } {
  const fields = structuredClone(answers)
  const validate = validatorFor(key, form)
  if (validate(fields)) return { ok: true, fields }
  // `if` only says which branch failed; the branch's own errors name the fields.
  const errors = (validate.errors ?? []).filter(e => e.keyword !== 'if').map(e => toFieldError(e, base))
  const unique = [...new Map(errors.map(e => [`${e.path}\n${e.message}`, e])).values()]
  return { ok: false, errors: unique }
}
