import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { buildTestApp, type TestApp } from './helper.js'
import { openTicket, seedWorld } from './world.js'

const MAX_BYTES = 4096
const h = await buildTestApp(t, { env: { ATTACHMENT_MAX_BYTES: String(MAX_BYTES) } })
const w = await seedWorld(h)

type Part = { name: string, value: string } | { name: string, filename?: string, contentType?: string, content: Buffer }

/** A multipart/form-data body built by hand (RFC 7578), so the test depends on no form library. */
function multipart (parts: Part[]) {
  const boundary = `docket-${randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`
    if ('content' in part) {
      if (part.filename !== undefined) head += `; filename="${part.filename.replace(/["\\]/g, c => `\\${c}`)}"`
      head += `\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}`
    }
    chunks.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), 'content' in part ? part.content : Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

async function upload (as: string, ticketId: string, file: { content: Buffer, filename?: string, contentType?: string }, fields: Record<string, string> = {}) {
  const body = multipart([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'file', filename: file.filename ?? 'notes.txt', contentType: file.contentType ?? 'text/plain', content: file.content }
  ])
  return h.request(as, { method: 'POST', url: `/v1/tickets/${ticketId}/attachments`, ...body })
}

async function comment (as: string, ticketId: string, visibility: 'public' | 'internal') {
  const res = await h.request(as, { method: 'POST', url: `/v1/tickets/${ticketId}/comments`, payload: { body: `a ${visibility} comment`, visibility } })
  if (res.statusCode !== 201) throw new Error(`comment: ${res.statusCode} ${res.body}`)
  return res.json().id as string
}

const listIds = async (app: TestApp, as: string, ticketId: string) => {
  const res = await app.request(as, { method: 'GET', url: `/v1/tickets/${ticketId}/attachments` })
  return (res.json().data as Array<{ id: string }>).map(a => a.id)
}

t.test('an upload downloads again byte for byte, with safe headers', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const bytes = randomBytes(3000)
  const res = await upload(w.requester.token, ticket.key, { content: bytes, filename: 'Réseau "plan" (v2).bin', contentType: 'application/octet-stream' })
  t.equal(res.statusCode, 201)
  const attachment = res.json()
  t.match(attachment, {
    id: String,
    ticketId: ticket.id,
    commentId: null,
    filename: 'Réseau "plan" (v2).bin',
    contentType: 'application/octet-stream',
    size: 3000,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    uploadedById: w.requester.id,
    createdAt: String
  })
  t.notOk('content' in attachment, 'metadata never carries the bytes')
  t.equal(res.headers.location, `/v1/attachments/${attachment.id}`)

  const meta = await h.request(w.requester.token, { method: 'GET', url: `/v1/attachments/${attachment.id}` })
  t.same(meta.json(), attachment)

  const download = await h.request(w.requester.token, { method: 'GET', url: `/v1/attachments/${attachment.id}/content` })
  t.equal(download.statusCode, 200)
  t.ok(download.rawPayload.equals(bytes), 'the same bytes come back')
  t.equal(download.headers['content-type'], 'application/octet-stream')
  t.equal(download.headers['content-length'], '3000')
  t.equal(download.headers['x-content-type-options'], 'nosniff')
  t.equal(download.headers['content-disposition'], 'attachment; filename="R_seau _plan_ (v2).bin"; filename*=UTF-8\'\'R%C3%A9seau%20%22plan%22%20%28v2%29.bin')

  t.same(await listIds(h, w.requester.token, ticket.id), [attachment.id])
})

t.test('a text file keeps its media type and is still served as a download', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const res = await upload(w.requester.token, ticket.id, { content: Buffer.from('<script>alert(1)</script>'), filename: '../../evil.html', contentType: 'text/html' })
  t.equal(res.statusCode, 201)
  t.equal(res.json().filename, 'evil.html', 'no path survives')
  const download = await h.request(w.requester.token, { method: 'GET', url: `/v1/attachments/${res.json().id}/content` })
  t.equal(download.headers['content-type'], 'text/html')
  t.match(download.headers['content-disposition'], /^attachment;/)
  t.match(download.headers['content-security-policy'], /sandbox/)
})

t.test('a file over the size limit answers 413 and stores nothing', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const res = await upload(w.requester.token, ticket.id, { content: randomBytes(MAX_BYTES + 1) })
  t.equal(res.statusCode, 413)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 413, code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: MAX_BYTES } })
  t.same(await listIds(h, w.agentIT.token, ticket.id), [])
  const events = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })
  t.notOk(events.json().data.some((e: { type: string }) => e.type === 'attachment.added'))

  const atLimit = await upload(w.requester.token, ticket.id, { content: randomBytes(MAX_BYTES) })
  t.equal(atLimit.statusCode, 201, 'exactly the limit is accepted')
})

t.test('an upload that is not multipart answers 415', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const res = await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/attachments`, payload: { file: 'aGVsbG8=' } })
  t.equal(res.statusCode, 415)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' })
  t.same(await listIds(h, w.agentIT.token, ticket.id), [])
})

t.test('a malformed upload answers 400 naming the part', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const noFile = await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/attachments`, ...multipart([{ name: 'commentId', value: ticket.id }]) })
  t.match(noFile.json(), { status: 400, code: 'VALIDATION_FAILED', errors: [{ path: '/file' }] })
  const unknown = await upload(w.requester.token, ticket.id, { content: Buffer.from('x') }, { comment: 'typo' })
  t.match(unknown.json(), { status: 400, errors: [{ path: '/comment' }] })
  const twoFiles = await h.request(w.requester.token, {
    method: 'POST',
    url: `/v1/tickets/${ticket.id}/attachments`,
    ...multipart([{ name: 'file', filename: 'a.txt', content: Buffer.from('a') }, { name: 'file', filename: 'b.txt', content: Buffer.from('b') }])
  })
  t.match(twoFiles.json(), { status: 400, errors: [{ path: '/file' }] })
  const fileAsField = await h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/attachments`, ...multipart([{ name: 'file', value: 'not a file' }]) })
  t.match(fileAsField.json(), { status: 400, errors: [{ path: '/file' }] })
  const badComment = await upload(w.requester.token, ticket.id, { content: Buffer.from('x') }, { commentId: 'not-a-uuid' })
  t.match(badComment.json(), { status: 400, errors: [{ path: '/commentId' }] })
  t.same(await listIds(h, w.agentIT.token, ticket.id), [])
})

t.test('visibility follows what the file is attached to', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const publicComment = await comment(w.agentIT.token, ticket.id, 'public')
  const internalNote = await comment(w.agentIT.token, ticket.id, 'internal')
  const onTicket = (await upload(w.agentIT.token, ticket.id, { content: Buffer.from('on the ticket') })).json()
  const onPublic = (await upload(w.agentIT.token, ticket.id, { content: Buffer.from('on a reply') }, { commentId: publicComment })).json()
  const onInternal = await upload(w.agentIT.token, ticket.id, { content: Buffer.from('secret') }, { commentId: internalNote })
  t.equal(onInternal.statusCode, 201)
  const internal = onInternal.json()
  t.equal(internal.commentId, internalNote)

  t.test('the requester sees the public parts of their ticket only', async (t) => {
    t.same(await listIds(h, w.requester.token, ticket.id), [onTicket.id, onPublic.id])
    const content = await h.request(w.requester.token, { method: 'GET', url: `/v1/attachments/${onPublic.id}/content` })
    t.equal(content.body, 'on a reply')
    for (const url of [`/v1/attachments/${internal.id}`, `/v1/attachments/${internal.id}/content`]) {
      const res = await h.request(w.requester.token, { method: 'GET', url })
      t.equal(res.statusCode, 404, url)
      t.match(res.json(), { code: 'ATTACHMENT_NOT_FOUND' })
    }
  })

  t.test('the desk\'s agent sees everything', async (t) => {
    t.same(await listIds(h, w.agentIT.token, ticket.id), [onTicket.id, onPublic.id, internal.id])
    const content = await h.request(w.agentIT.token, { method: 'GET', url: `/v1/attachments/${internal.id}/content` })
    t.equal(content.body, 'secret')
  })

  t.test('another requester and another desk\'s agent see nothing, not even that it exists', async (t) => {
    for (const as of [w.otherRequester.token, w.agentHR.token]) {
      for (const url of [`/v1/attachments/${onTicket.id}`, `/v1/attachments/${onTicket.id}/content`, `/v1/attachments/${internal.id}`]) {
        const res = await h.request(as, { method: 'GET', url })
        t.equal(res.statusCode, 404, url)
        t.match(res.json(), { code: 'ATTACHMENT_NOT_FOUND' })
        t.notMatch(res.body, ticket.id, 'the ticket is not named')
      }
      const list = await h.request(as, { method: 'GET', url: `/v1/tickets/${ticket.id}/attachments` })
      t.match(list.json(), { status: 404, code: 'TICKET_NOT_FOUND' })
      const post = await upload(as, ticket.id, { content: Buffer.from('x') })
      t.match(post.json(), { status: 404, code: 'TICKET_NOT_FOUND' })
    }
  })

  t.test('a requester may attach to public parts but not to an internal note', async (t) => {
    const toReply = await upload(w.requester.token, ticket.id, { content: Buffer.from('my screenshot') }, { commentId: publicComment })
    t.equal(toReply.statusCode, 201)
    const toNote = await upload(w.requester.token, ticket.id, { content: Buffer.from('x') }, { commentId: internalNote })
    t.equal(toNote.statusCode, 404)
    t.match(toNote.json(), { code: 'COMMENT_NOT_FOUND' })
    const elsewhere = await openTicket(h, w.requester.token)
    const otherTicketsComment = await upload(w.requester.token, elsewhere.id, { content: Buffer.from('x') }, { commentId: publicComment })
    t.match(otherTicketsComment.json(), { status: 404, code: 'COMMENT_NOT_FOUND' })
  })

  t.test('unknown and malformed attachment ids answer 404', async (t) => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await h.request(w.admin.token, { method: 'GET', url: `/v1/attachments/${id}` })
      t.match(res.json(), { status: 404, code: 'ATTACHMENT_NOT_FOUND' })
    }
  })
})

t.test('uploads write one attachment.added event, internal on internal notes, and change nothing else', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const note = await comment(w.agentIT.token, ticket.id, 'internal')
  const before = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json()
  const visible = (await upload(w.requester.token, ticket.id, { content: Buffer.from('log'), filename: 'vpn.log' })).json()
  const hidden = (await upload(w.agentIT.token, ticket.id, { content: Buffer.from('note'), filename: 'note.txt' }, { commentId: note })).json()
  const after = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}` })).json()
  t.equal(after.version, before.version, 'the ticket itself is untouched')
  t.equal(after.updatedAt, before.updatedAt)

  const agentEvents = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })).json().data
    .filter((e: { type: string }) => e.type === 'attachment.added')
  t.match(agentEvents, [
    { actorId: w.requester.id, internal: false, after: { attachmentId: visible.id, filename: 'vpn.log', size: 3, commentId: null, sha256: visible.sha256 } },
    { actorId: w.agentIT.id, internal: true, after: { attachmentId: hidden.id, commentId: note } }
  ])
  const requesterEvents = (await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })).json().data
    .filter((e: { type: string }) => e.type === 'attachment.added')
  t.same(requesterEvents.map((e: { after: { attachmentId: string } }) => e.after.attachmentId), [visible.id])
})

t.test('the uploader or an agent of the desk may delete', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const own = (await upload(w.requester.token, ticket.id, { content: Buffer.from('mine') })).json()
  const agents = (await upload(w.agentIT.token, ticket.id, { content: Buffer.from('theirs') })).json()

  const stranger = await h.request(w.otherRequester.token, { method: 'DELETE', url: `/v1/attachments/${own.id}` })
  t.match(stranger.json(), { status: 404, code: 'ATTACHMENT_NOT_FOUND' })
  const otherDesk = await h.request(w.agentHR.token, { method: 'DELETE', url: `/v1/attachments/${own.id}` })
  t.match(otherDesk.json(), { status: 404, code: 'ATTACHMENT_NOT_FOUND' })
  const notUploader = await h.request(w.requester.token, { method: 'DELETE', url: `/v1/attachments/${agents.id}` })
  t.match(notUploader.json(), { status: 403, code: 'FORBIDDEN' })

  const byUploader = await h.request(w.requester.token, { method: 'DELETE', url: `/v1/attachments/${own.id}` })
  t.equal(byUploader.statusCode, 204)
  const byAgent = await h.request(w.agentIT.token, { method: 'DELETE', url: `/v1/attachments/${agents.id}` })
  t.equal(byAgent.statusCode, 204)
  const again = await h.request(w.agentIT.token, { method: 'DELETE', url: `/v1/attachments/${agents.id}` })
  t.equal(again.statusCode, 404)
  t.same(await listIds(h, w.agentIT.token, ticket.id), [])
  const gone = await h.request(w.requester.token, { method: 'GET', url: `/v1/attachments/${own.id}/content` })
  t.equal(gone.statusCode, 404)

  const events = (await h.request(w.agentIT.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/events` })).json().data
  t.same(events.filter((e: { type: string }) => e.type === 'attachment.removed').map((e: { before: { attachmentId: string } }) => e.before.attachmentId), [own.id, agents.id])
})

t.test('a retried upload with the same Idempotency-Key stores one file', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const send = async (content: string) => {
    const body = multipart([{ name: 'file', filename: 'once.txt', contentType: 'text/plain', content: Buffer.from(content) }])
    return h.request(w.requester.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/attachments`, payload: body.payload, headers: { ...body.headers, 'idempotency-key': 'upload-1' } })
  }
  const first = await send('once')
  t.equal(first.statusCode, 201)
  const retry = await send('once')
  t.equal(retry.statusCode, 201)
  t.equal(retry.headers['idempotent-replayed'], 'true')
  t.equal(retry.json().id, first.json().id)
  const changed = await send('twice')
  t.match(changed.json(), { status: 422, code: 'IDEMPOTENCY_KEY_REUSED' })
  t.same(await listIds(h, w.requester.token, ticket.id), [first.json().id])
})

t.test('the attachment list pages with a cursor', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const ids: string[] = []
  for (const n of [1, 2, 3]) ids.push((await upload(w.requester.token, ticket.id, { content: Buffer.from(String(n)) })).json().id)
  const first = await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/attachments?limit=2` })
  t.same(first.json().data.map((a: { id: string }) => a.id), ids.slice(0, 2))
  t.match(first.headers.link, /rel="next"/)
  const second = await h.request(w.requester.token, { method: 'GET', url: `/v1/tickets/${ticket.id}/attachments?limit=2&cursor=${first.json().nextCursor}` })
  t.same(second.json().data.map((a: { id: string }) => a.id), ids.slice(2))
  t.equal(second.json().nextCursor, null)
})

t.test('GraphQL lists the same attachments with the same visibility', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  const note = await comment(w.agentIT.token, ticket.id, 'internal')
  const pub = await upload(w.requester.token, ticket.id, { content: Buffer.from('public file') })
  const hidden = await upload(w.agentIT.token, ticket.id, { content: Buffer.from('internal file'), filename: 'secret-diagnosis.txt' }, { commentId: note })
  const query = 'query($id: ID!) { ticket(id: $id) { attachments { edges { node { id filename uploadedBy { id } contentUrl } } } } }'
  const asRequester = await h.gql(w.requester.token, query, { id: ticket.id })
  t.same(asRequester.body.data.ticket.attachments.edges.map((e: any) => e.node.id), [pub.json().id])
  t.notOk(JSON.stringify(asRequester.body).includes('secret-diagnosis'))
  t.equal(asRequester.body.data.ticket.attachments.edges[0].node.uploadedBy.id, w.requester.id)
  const asAgent = await h.gql(w.agentIT.token, query, { id: ticket.id })
  t.same(asAgent.body.data.ticket.attachments.edges.map((e: any) => e.node.id).sort(), [pub.json().id, hidden.json().id].sort())
  t.equal(asAgent.body.data.ticket.attachments.edges[0].node.contentUrl, `/v1/attachments/${asAgent.body.data.ticket.attachments.edges[0].node.id}/content`)
})

t.test('a closed ticket takes no new files', async (t) => {
  const ticket = await openTicket(h, w.requester.token)
  await h.request(w.agentIT.token, { method: 'POST', url: `/v1/tickets/${ticket.id}/transitions`, payload: { to: 'cancelled' } })
  const res = await upload(w.requester.token, ticket.id, { content: Buffer.from('late') })
  t.equal(res.statusCode, 409)
  t.same(await listIds(h, w.agentIT.token, ticket.id), [])
})
