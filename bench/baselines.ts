import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'

export interface Baseline { url: string, close: () => Promise<void> }
export interface Fixture { deskId: string, workflowId: string, adminId: string }

/** The pool the app builds in src/db/client.ts, so both sides wait on connections alike. */
const poolFor = (databaseUrl: string) => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30_000, query_timeout: 15_000 })
  pool.on('error', () => {})
  return pool
}

async function listen (app: FastifyInstance, pool: pg.Pool, path: string): Promise<Baseline> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (typeof address !== 'object' || address === null) throw new Error('baseline did not bind')
  return {
    url: `http://127.0.0.1:${address.port}${path}`,
    close: async () => { await app.close(); await pool.end() }
  }
}

/** Fastify with one route and nothing else: the floor any read of the product stands on. */
export async function startSelectOne (databaseUrl: string): Promise<Baseline> {
  const pool = poolFor(databaseUrl)
  const app = Fastify({ logger: false })
  app.get('/select1', async () => {
    const { rows } = await pool.query<{ one: number }>('select 1 as one')
    return { one: rows[0]?.one }
  })
  return listen(app, pool, '/select1')
}

/**
 * Scratch tables shaped like the real ones (same columns, indexes, generated search vector and
 * foreign keys to desks, workflows and users), plus an SLA-clock table, in a schema of their own.
 */
export async function createScratchTables (databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`
      drop schema if exists bench_scratch cascade;
      create schema bench_scratch;
      create sequence bench_scratch.ticket_number;
      create table bench_scratch.tickets (like public.tickets including all);
      alter table bench_scratch.tickets
        add foreign key (desk_id) references public.desks (id),
        add foreign key (workflow_id) references public.workflows (id),
        add foreign key (requester_id) references public.users (id),
        add foreign key (created_by_id) references public.users (id);
      create table bench_scratch.ticket_events (
        id bigint generated always as identity primary key,
        ticket_id uuid not null references bench_scratch.tickets (id),
        type text not null,
        actor_id uuid references public.users (id),
        is_internal boolean not null default false,
        before jsonb,
        after jsonb,
        occurred_at timestamptz(3) not null
      );
      create index on bench_scratch.ticket_events (ticket_id, id);
      create table bench_scratch.sla_clocks (
        id uuid primary key default gen_random_uuid(),
        ticket_id uuid not null references bench_scratch.tickets (id),
        metric text not null,
        status text not null,
        started_at timestamptz(3) not null,
        target_at timestamptz(3) not null,
        paused_ms bigint not null default 0
      );
      create index on bench_scratch.sla_clocks (ticket_id);
      create index on bench_scratch.sla_clocks (status, target_at);`)
  } finally {
    await client.end()
  }
}

const TICKET_COLUMNS = `id, key, number, desk_id, type, workflow_id, title, description, status, status_category,
  impact, urgency, priority, priority_overridden, channel, resolution, fields, tags, requester_id, assignee_id,
  team_id, service_id, catalog_item_id, parent_id, created_by_id, created_at, updated_at, resolved_at, closed_at, version`

/** Fastify and one transaction of four inserts: the floor under opening a ticket with two SLA clocks. */
export async function startInsert (databaseUrl: string, fixture: Fixture): Promise<Baseline> {
  const pool = poolFor(databaseUrl)
  const app = Fastify({ logger: false })
  app.post('/insert', async (request, reply) => {
    const body = request.body as { title?: string, description?: string, type?: string }
    const now = new Date()
    const client = await pool.connect()
    try {
      await client.query('begin')
      const { rows: [ticket] } = await client.query(`
        insert into bench_scratch.tickets (key, number, desk_id, type, workflow_id, title, description, status,
          status_category, impact, urgency, priority, channel, requester_id, created_by_id, created_at, updated_at)
        select 'B-' || n, n, $1, $2, $3, $4, $5, 'new', 'new', 'medium', 'medium', 'p3', 'api', $6, $6, $7, $7
        from nextval('bench_scratch.ticket_number') as n
        returning ${TICKET_COLUMNS}`,
      [fixture.deskId, body.type ?? 'incident', fixture.workflowId, body.title ?? 'untitled', body.description ?? null, fixture.adminId, now])
      await client.query(`insert into bench_scratch.ticket_events (ticket_id, type, actor_id, after, occurred_at)
        values ($1, 'ticket.created', $2, $3, $4)`, [ticket.id, fixture.adminId, JSON.stringify(ticket), now])
      for (const [metric, hours] of [['first_response', 4], ['resolution', 24]] as const) {
        await client.query(`insert into bench_scratch.sla_clocks (ticket_id, metric, status, started_at, target_at)
          values ($1, $2, 'running', $3, $4)`, [ticket.id, metric, now, new Date(now.getTime() + hours * 3_600_000)])
      }
      await client.query('commit')
      reply.code(201)
      return ticket
    } catch (err) {
      await client.query('rollback').catch(() => {})
      throw err
    } finally {
      client.release()
    }
  })
  return listen(app, pool, '/insert')
}
