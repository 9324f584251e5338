import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Page } from '../shared/pagination.js'

/** Adds the RFC 8288 `Link: <…>; rel="next"` header for a page that has one. */
export function withNextLink<T> (request: FastifyRequest, reply: FastifyReply, page: Page<T>): Page<T> {
  if (page.nextCursor !== null) {
    const url = new URL(request.url, 'http://placeholder')
    url.searchParams.set('cursor', page.nextCursor)
    reply.header('link', `<${url.pathname}${url.search}>; rel="next"`)
  }
  return page
}

/**
 * The page as JSON text when every item already has its JSON text (`jsonOf`), else undefined.
 * Writes what the page's response schema would: `data`, `nextCursor`, then `total` if counted.
 */
export function pageJson<T extends object> (page: Page<T>, jsonOf: (item: T) => string | undefined): string | undefined {
  const items = new Array<string>(page.data.length)
  for (let i = 0; i < items.length; i++) {
    const json = jsonOf(page.data[i]!)
    if (json === undefined) return undefined
    items[i] = json
  }
  const total = page.total === undefined ? '' : `,"total":${JSON.stringify(page.total)}`
  return `{"data":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}${total}}`
}
