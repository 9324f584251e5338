// Tickets that carry three SLA clocks, for the "reading a ticket with three clocks" scenario.

async function call (base: string, token: string, method: string, path: string, body?: object): Promise<{ key: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : null,
    signal: AbortSignal.timeout(10_000)
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return await res.json() as { key: string }
}

/** The length in bytes of GET /v1/tickets/IT-<number> as the admin reads it. */
async function responseBytes (base: string, token: string, number: number): Promise<number> {
  const res = await fetch(`${base}/v1/tickets/IT-${number}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`GET IT-${number}: ${res.status}`)
  return (await res.arrayBuffer()).byteLength
}

/**
 * `count` problems opened through the API before any policy exists (so they carry no clocks),
 * then three customer policies (first response, next response, resolution) on an office
 * calendar, then `count` more problems opened the same way, each of which gets the three clocks
 * (the policies apply to problems only, so no other scenario's tickets get clocks). Returns the
 * numbers of both sets: the same tickets but for their clocks, so the comparison measures the
 * clocks alone and not a difference in the rows (the seeded tickets are longer and spread over
 * a larger table).
 *
 * `padded`: a third set opened without clocks, whose descriptions are then set so that each
 * reads exactly as many bytes as a ticket with its three clocks. Read against those, the clocks
 * cost only their work, not the bytes they add on the wire (the padded rows are that much
 * longer in PostgreSQL and in the driver, so this control leans towards the clocks).
 */
export async function seedClockedTickets (appUrl: string, adminToken: string, count: number): Promise<{ clocked: number[], unclocked: number[], padded: number[], bytes: { clocked: number, padded: number } }> {
  const open = async () => {
    const numbers: number[] = []
    for (let i = 0; i < count; i++) {
      const ticket = await call(appUrl, adminToken, 'POST', '/v1/tickets', { type: 'problem', title: 'Clock probe', deskId: 'IT' })
      numbers.push(Number(ticket.key.split('-')[1]))
    }
    return numbers
  }
  const unclocked = await open()
  const padded = await open()
  const calendar = await call(appUrl, adminToken, 'POST', '/v1/calendars', {
    name: 'Bench office',
    timeZone: 'Europe/Berlin',
    workingHours: ['mon', 'tue', 'wed', 'thu', 'fri'].map(day => ({ day, from: '08:00', to: '18:00' })),
    holidays: [{ date: '2026-12-25', name: 'Christmas', recurring: true }]
  }) as unknown as { id: string }
  for (const metric of ['first_response', 'next_response', 'resolution']) {
    await call(appUrl, adminToken, 'POST', '/v1/sla-policies', {
      name: `Bench ${metric}`,
      kind: 'sla',
      metric,
      calendarId: calendar.id,
      appliesTo: { types: ['problem'] },
      goalMinutes: { p1: 60, p2: 240, p3: 480, p4: 960 },
      pauseOn: ['pending'],
      warnAt: [75, 90]
    })
  }
  const clocked = await open()
  // A description of n characters replaces null: the body grows by n - 2. The clocks' figures
  // gain digits as they run, so the sizes agree to a few bytes, not exactly.
  const pad = await responseBytes(appUrl, adminToken, clocked.at(-1)!) - await responseBytes(appUrl, adminToken, padded[0]!) + 2
  for (const number of padded) await call(appUrl, adminToken, 'PATCH', `/v1/tickets/IT-${number}`, { description: 'x'.repeat(pad) })
  const bytes = { clocked: await responseBytes(appUrl, adminToken, clocked[0]!), padded: await responseBytes(appUrl, adminToken, padded.at(-1)!) }
  if (Math.abs(bytes.clocked - bytes.padded) > 32) throw new Error(`padded tickets read ${bytes.padded} bytes, clocked ones ${bytes.clocked}`)
  return { clocked, unclocked, padded, bytes }
}
