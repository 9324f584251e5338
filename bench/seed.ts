import { SignJWT } from 'jose'
import pg from 'pg'

export interface Seeded {
  adminToken: string
  adminId: string
  deskId: string
  teamId: string
  workflowId: string
  tickets: number
  comments: number
  seconds: number
}

// Word lists for titles, descriptions and comments. Each list has a prime length and is indexed
// by a different stride, so word combinations vary from row to row; the words are what
// full-text search looks for (see SEARCH_WORDS in run.ts for how common each kind is).
// Seeded with 100 000 tickets: each title subject is in ~5 900 tickets, each description word in
// ~4 900, each comment verb in ~3 100 comments, each rare word in ~100 tickets.
export const TITLE_SUBJECTS = ['VPN', 'Laptop', 'Printer', 'Email', 'Wi-Fi', 'Monitor', 'Badge', 'Phone', 'Outlook',
  'Payroll', 'Database', 'Website', 'Keyboard', 'Scanner', 'Docking station', 'Password', 'Calendar']
const TITLE_PROBLEMS = ['does not start', 'is very slow', 'keeps disconnecting', 'shows an error', 'cannot connect',
  'needs replacement', 'stopped syncing', 'crashes at login', 'is locked', 'prints blank pages', 'lost after update',
  'flickers constantly', 'rejects credentials']
const TITLE_PLACES = ['in the Berlin office', 'on floor three', 'for a new hire', 'after the weekend', 'since this morning',
  'in meeting room B', 'while travelling', 'at the warehouse', 'for the finance team', 'on the night shift', 'at home']
export const DESCRIPTION_WORDS = ['kerberos', 'firmware', 'certificate', 'toner', 'bluetooth', 'dhcp', 'sharepoint',
  'authenticator', 'proxy', 'backup', 'license', 'vlan', 'driver', 'mailbox', 'quota', 'hotspot', 'thunderbolt',
  'spreadsheet', 'timeout', 'antivirus', 'browser', 'cable', 'battery', 'router', 'webcam', 'headset', 'invoice',
  'signature', 'encryption', 'registry', 'permission', 'folder', 'update', 'screen', 'keyboard', 'archive', 'server',
  'gateway', 'domain', 'replica', 'cluster']
/** Words that appear in about one ticket in a thousand (n divisible by 997, offset per word). */
export const RARE_WORDS = ['zeppelin', 'quasar', 'obsidian', 'marzipan', 'tundra']
export const COMMENT_WORDS = ['rebooted', 'escalated', 'reinstalled', 'replaced', 'reset', 'patched', 'waiting', 'confirmed']

/** A real HS256 token, as an identity provider would issue it. */
export async function signToken (secret: string, sub: string, roles: string[], claims: Record<string, string> = {}): Promise<string> {
  return new SignJWT({ roles, name: sub, email: `${sub}@example.com`, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('6h')
    .sign(new TextEncoder().encode(secret))
}

async function call (base: string, token: string, method: string, path: string, body?: object): Promise<Record<string, string>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000)
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return await res.json() as Record<string, string>
}

/**
 * The admin, desk and team go through the REST API like any client; the bulk of tickets and
 * comments goes in with set-based SQL, writing the same columns the create path writes.
 */
export async function seed (options: { appUrl: string, databaseUrl: string, secret: string, tickets: number }): Promise<Seeded> {
  const started = performance.now()
  const adminToken = await signToken(options.secret, 'bench-admin', ['admin'])
  const adminId = (await call(options.appUrl, adminToken, 'GET', '/v1/me')).id!
  const deskId = (await call(options.appUrl, adminToken, 'POST', '/v1/desks', { key: 'IT', name: 'IT Service Desk' })).id!
  const teamId = (await call(options.appUrl, adminToken, 'POST', '/v1/teams', { name: 'Service Desk', deskId: 'IT' })).id!

  const client = new pg.Client({ connectionString: options.databaseUrl })
  await client.connect()
  try {
    const { rows: [workflow] } = await client.query<{ id: string }>(
      "select id from workflows where ticket_type = 'incident' and is_default")
    if (workflow === undefined) throw new Error('No default incident workflow: did the migrations run?')
    const count = options.tickets
    // Ticket n was opened (count - n) minutes ago, so higher numbers are newer, as in real life.
    // impact and urgency walk the 3 × 3 matrix; priority follows priorityFor (p1 … p4).
    await client.query(`
      insert into tickets (key, number, desk_id, type, workflow_id, title, description, status, status_category,
        impact, urgency, priority, channel, tags, requester_id, team_id, created_by_id, created_at, updated_at)
      select 'IT-' || n, n, $1, 'incident', $2,
        ($3::text[])[1 + n % cardinality($3::text[])] || ' ' || ($4::text[])[1 + (n / 17) % cardinality($4::text[])]
          || ' ' || ($5::text[])[1 + (n / 221) % cardinality($5::text[])],
        'Reported by the user: ' || ($6::text[])[1 + (n * 7) % cardinality($6::text[])] || ' and '
          || ($6::text[])[1 + (n * 13 + 5) % cardinality($6::text[])] || ' problems'
          || case when n % 997 < cardinality($7::text[]) then ' near the ' || ($7::text[])[1 + n % 997] else '' end
          || '. Ticket ' || n || ' in the queue.',
        'new', 'new',
        (array['high', 'medium', 'low'])[1 + n % 3],
        (array['high', 'medium', 'low'])[1 + (n / 3) % 3],
        'p' || (least(n % 3 + (n / 3) % 3, 3) + 1),
        (array['api', 'portal', 'email', 'chat', 'phone'])[1 + n % 5],
        case when n % 10 = 0 then array['hardware'] when n % 10 = 1 then array['network', 'vip'] else '{}'::text[] end,
        $8, case when n % 2 = 0 then $9::uuid end, $8,
        now() - make_interval(mins => $10 - n),
        now() - make_interval(mins => $10 - n) + make_interval(mins => (n * 37) % 180)
      from generate_series(1, $10::int) as n`,
    [deskId, workflow.id, TITLE_SUBJECTS, TITLE_PROBLEMS, TITLE_PLACES, DESCRIPTION_WORDS, RARE_WORDS, adminId, teamId, count])
    // A comment on every fourth ticket; a third of them are internal notes.
    const comments = await client.query(`
      insert into comments (ticket_id, author_id, body, visibility, created_at)
      select t.id, $1, 'Agent ' || ($2::text[])[1 + (t.number / 4) % cardinality($2::text[])] || ' the '
          || ($3::text[])[1 + (t.number * 11) % cardinality($3::text[])] || ' and will follow up.',
        case when t.number % 3 = 0 then 'internal' else 'public' end,
        t.created_at + interval '7 minutes'
      from tickets t where t.desk_id = $4 and t.number % 4 = 1`,
    [adminId, COMMENT_WORDS, DESCRIPTION_WORDS, deskId])
    // The API appends each comment's words to its ticket's search vectors; do the same in bulk.
    for (const [visibility, column] of [['public', 'public_comment_search'], ['internal', 'internal_note_search']]) {
      await client.query(`
        update tickets t set ${column} = x.v
        from (select ticket_id, to_tsvector('english', string_agg(body, ' ')) as v from comments where visibility = $1 group by ticket_id) x
        where x.ticket_id = t.id`, [visibility])
    }
    // The desk's sequence must continue after the seeded numbers, as if the API had made them.
    await client.query(`select setval('ticket_number_${deskId.replace(/-/g, '')}', greatest($1::bigint, 1), $1::bigint > 0)`, [count])
    // VACUUM as well: it flushes the GIN pending lists the bulk insert filled, as autovacuum would
    // soon; with them full, the planner prices the search indexes too high and scans comments.
    await client.query('vacuum analyze')
    return {
      adminToken,
      adminId,
      deskId,
      teamId,
      workflowId: workflow.id,
      tickets: count,
      comments: comments.rowCount ?? 0,
      seconds: (performance.now() - started) / 1000
    }
  } finally {
    await client.end()
  }
}
