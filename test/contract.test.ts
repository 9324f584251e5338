import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildSchema, isObjectType, printSchema } from 'graphql'
import { parse as parseYaml } from 'yaml'
import { buildExecutableSchema, loadSchemaText } from '../src/graphql/plugin.js'
import { buildTestApp } from './helper.js'

const h = await buildTestApp(t)

t.test('the running OpenAPI document equals the committed openapi.yaml', async (t) => {
  const committed = parseYaml(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8'))
  const running = (await h.request(null, { method: 'GET', url: '/openapi.json' })).json()
  t.same(running, committed, 'run `npm run gen:openapi` and commit openapi.yaml')
  const yaml = await h.request(null, { method: 'GET', url: '/openapi.yaml' })
  t.equal(yaml.statusCode, 200)
  t.same(parseYaml(yaml.body), committed)
})

t.test('every REST route is documented with success and problem responses', async (t) => {
  const doc = (await h.request(null, { method: 'GET', url: '/openapi.json' })).json()
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      t.ok(op.operationId, `${method} ${path} has an operationId`)
      t.ok(op.responses['4XX'] ?? op.responses['4xx'], `${method} ${path} documents its problem responses`)
    }
  }
})

t.test('the running GraphQL schema is exactly schema.graphql, and every root field has a resolver', async (t) => {
  const running = buildExecutableSchema()
  t.equal(printSchema(running), printSchema(buildSchema(loadSchemaText())))
  for (const root of [running.getQueryType(), running.getMutationType()]) {
    if (!isObjectType(root)) continue
    for (const field of Object.values(root.getFields())) t.type(field.resolve, 'function', `${root.name}.${field.name} has a resolver`)
  }
})

t.test('the interactive reference is served without a token', async (t) => {
  const docs = await h.request(null, { method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
})
