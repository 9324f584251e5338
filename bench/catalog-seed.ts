import pg from 'pg'

export const CATALOG_SERVICES = 1000
export const CATALOG_ITEMS_PER_SERVICE = 5
const CATEGORIES = ['Hardware', 'Software', 'Access', 'Network', 'Telephony', 'Printing', 'Collaboration', 'Security',
  'Data', 'Cloud', 'Workplace', 'Onboarding', 'Finance tools', 'HR tools', 'Travel', 'Training', 'Facilities', 'Licences', 'Mobile']

/**
 * 1 000 live services of the seeded desk in 19 categories, five items each, written with
 * set-based SQL as the catalogue service would write them. Eligibility as real catalogues have it:
 * every fifth service only for one of four departments, every tenth item only for Berlin.
 */
export async function seedCatalog (databaseUrl: string, deskId: string, teamId: string): Promise<{ services: number, items: number }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(`
      insert into services (desk_id, name, description, owner_team_id, lifecycle, eligibility, categories, help, created_at, updated_at)
      select $1, 'Service ' || n, 'What the service ' || n || ' offers, and how it is supported.', $2, 'live',
        case when n % 5 = 0 then jsonb_build_object('departments', jsonb_build_array((array['Sales', 'Engineering', 'Finance', 'People'])[1 + n % 4])) else '{}'::jsonb end,
        array[($3::text[])[1 + n % cardinality($3::text[])]], 'Call the service desk', now(), now()
      from generate_series(1, $4::int) as n`, [deskId, teamId, CATEGORIES, CATALOG_SERVICES])
    const items = await client.query(`
      insert into catalog_items (service_id, name, description, kind, eligibility, expected_delivery_minutes, created_at, updated_at)
      select s.id, s.name || ' item ' || i, 'Request number ' || i || ' of ' || s.name,
        case when i = 1 then 'incident' else 'service_request' end,
        case when (row_number() over ()) % 10 = 0 then '{"locations":["Berlin"]}'::jsonb else '{}'::jsonb end,
        i * 480, now(), now()
      from services s cross join generate_series(1, $1::int) as i
      returning id`, [CATALOG_ITEMS_PER_SERVICE])
    await client.query(`insert into catalog_item_forms (item_id, version, schema, created_at)
      select id, 1, '{"type":"object","properties":{"reason":{"type":"string"}}}'::jsonb, now() from catalog_items`)
    await client.query("select nextval('catalog_revision')")
    await client.query('analyze services, catalog_items')
    return { services: CATALOG_SERVICES, items: items.rowCount ?? 0 }
  } finally {
    await client.end()
  }
}
