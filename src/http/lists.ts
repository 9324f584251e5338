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
