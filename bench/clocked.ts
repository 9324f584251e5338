// Tickets that carry three SLA clocks, for the "reading a ticket with three clocks" scenario.

async function call (base: string, token: string, method: string, path: string, body: object): Promise<{ key: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000)
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return await res.json() as { key: string }
}

/**
 * Three customer policies (first response, next response, resolution) on an office calendar, then
 * `count` problems opened through the API, each of which gets the three clocks (the policies
 * apply to problems only, so no other scenario's tickets get clocks). Returns their numbers.
 */
export async function seedClockedTickets (appUrl: string, adminToken: string, count: number): Promise<number[]> {
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
  const numbers: number[] = []
  for (let i = 0; i < count; i++) {
    const ticket = await call(appUrl, adminToken, 'POST', '/v1/tickets', { type: 'problem', title: 'Clock probe', deskId: 'IT' })
    numbers.push(Number(ticket.key.split('-')[1]))
  }
  return numbers
}
