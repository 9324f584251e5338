import type { Services } from '../services.js'
import type { Principal, Role } from '../shared/principal.js'

/** The people of the demo: `npm run token -- --sub <sub> --role <role>` signs in as one. */
export const DEMO_PEOPLE = [
  { sub: 'demo-admin', name: 'Ada Admin', roles: ['admin'] },
  { sub: 'demo-it-agent', name: 'Ian IT', roles: ['agent'] },
  { sub: 'demo-hr-agent', name: 'Hana HR', roles: ['agent'] },
  { sub: 'demo-facilities-agent', name: 'Fred Facilities', roles: ['agent'] },
  { sub: 'demo-manager', name: 'Mona Manager', roles: ['requester'], department: 'Sales', location: 'Berlin' },
  { sub: 'demo-requester', name: 'Rita Requester', roles: ['requester'], department: 'Sales', location: 'Berlin' }
] as const satisfies ReadonlyArray<{ sub: string, name: string, roles: Role[], department?: string, location?: string }>

type Sub = typeof DEMO_PEOPLE[number]['sub']

/**
 * Loads a small, realistic catalogue for IT, HR and Facilities through the service layer, so
 * every rule applies as it would to an admin's calls. Does nothing when the IT desk exists.
 */
export async function seedDemo (services: Services): Promise<{ seeded: boolean }> {
  const people = {} as Record<Sub, Principal>
  for (const p of DEMO_PEOPLE) {
    people[p.sub] = await services.users.principalFor({
      sub: p.sub,
      name: p.name,
      email: `${p.sub}@example.com`,
      roles: [...p.roles],
      department: 'department' in p ? p.department : undefined,
      location: 'location' in p ? p.location : undefined
    })
  }
  const admin = people['demo-admin']
  try {
    await services.desks.get(admin, 'IT')
    return { seeded: false }
  } catch {}

  await services.users.update(admin, people['demo-requester'].userId, { managerId: people['demo-manager'].userId })
  const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const
  const office = await services.calendars.create(admin, {
    name: 'Berlin office hours',
    timeZone: 'Europe/Berlin',
    workingHours: weekdays.map(day => ({ day, from: '08:00', to: '18:00' })),
    holidays: [{ date: '2026-12-25', name: 'Christmas Day', recurring: true }, { date: '2026-12-26', name: 'Boxing Day', recurring: true }, { date: '2027-01-01', name: 'New Year', recurring: true }]
  })

  const desk = async (key: string, name: string) => services.desks.create(admin, { key, name, calendarId: office.id })
  const it = await desk('IT', 'IT Service Desk')
  const hr = await desk('HR', 'People Services')
  const fac = await desk('FAC', 'Facilities')
  const team = async (name: string, deskId: string, member: Sub) => {
    const t = await services.desks.createTeam(admin, { name, deskId })
    await services.desks.addMember(admin, t.id, people[member].userId)
    return t
  }
  const itDesk = await team('Service Desk', it.id, 'demo-it-agent')
  const itAccess = await team('Identity & Access', it.id, 'demo-it-agent')
  const hrTeam = await team('People Operations', hr.id, 'demo-hr-agent')
  const facTeam = await team('Workplace', fac.id, 'demo-facilities-agent')

  const service = async (input: Parameters<Services['catalog']['createService']>[1]) => services.catalog.createService(admin, { lifecycle: 'live', ...input })
  const item = async (input: Parameters<Services['catalog']['createItem']>[1]) => services.catalog.createItem(admin, input)

  const hardware = await service({ name: 'Laptops and peripherals', deskId: it.id, ownerTeamId: itDesk.id, categories: ['Hardware'], description: 'Company laptops, docks, monitors and their repair.', help: 'Chat #it-help or call 4357 (8:00-18:00)', cost: { amount: 1400, currency: 'EUR', period: 'one_time' }, supportCalendarId: office.id })
  await item({
    serviceId: hardware.id,
    name: 'New laptop',
    kind: 'service_request',
    description: 'A new or replacement laptop, delivered to your desk.',
    expectedDeliveryMinutes: 3 * 24 * 60,
    form: {
      type: 'object',
      properties: {
        model: { title: 'Model', enum: ['standard-14', 'developer-16'], default: 'standard-14' },
        justification: { title: 'Why do you need it?', type: 'string', minLength: 10 },
        replaces: { title: 'Asset tag of the laptop it replaces', type: 'string', pattern: '^LT-[0-9]{5}$' },
        keyboardLayout: { title: 'Keyboard layout', enum: ['de', 'us', 'uk'], default: 'de' }
      },
      required: ['justification'],
      additionalProperties: false,
      if: { properties: { model: { const: 'developer-16' } }, required: ['model'] },
      then: { properties: { justification: { minLength: 40 } } }
    },
    approval: { type: 'manager' },
    tasks: [
      { title: 'Prepare and image the laptop', teamId: itDesk.id, order: 1 },
      { title: 'Deliver and hand over', teamId: itDesk.id, order: 2 }
    ],
    autoResolve: true
  })
  await item({
    serviceId: hardware.id,
    name: 'Laptop broken or not starting',
    kind: 'incident',
    description: 'Report a hardware fault: screen, keyboard, battery, will not boot.',
    form: { type: 'object', properties: { assetTag: { type: 'string', pattern: '^LT-[0-9]{5}$' }, symptom: { enum: ['screen', 'keyboard', 'battery', 'no_boot', 'other'] } }, required: ['symptom'] }
  })

  const accounts = await service({ name: 'Accounts and access', deskId: it.id, ownerTeamId: itAccess.id, categories: ['Access'], description: 'Sign-in, passwords and access to business applications.', help: 'Self-service password reset: https://id.example.com' })
  await item({
    serviceId: accounts.id,
    name: 'Password reset',
    kind: 'incident',
    description: 'You are locked out or your password expired.',
    expectedDeliveryMinutes: 60,
    form: { type: 'object', properties: { account: { enum: ['windows', 'email', 'vpn', 'erp'] }, reachableAt: { type: 'string', description: 'A phone number we can call you on' } }, required: ['account'] }
  })
  await item({
    serviceId: accounts.id,
    name: 'Access to an application',
    kind: 'service_request',
    description: 'Request a role in a business application; the application owners approve.',
    expectedDeliveryMinutes: 24 * 60,
    form: {
      type: 'object',
      properties: {
        application: { enum: ['crm', 'erp', 'payroll', 'wiki'] },
        role: { enum: ['read', 'write', 'admin'], default: 'read' },
        until: { type: 'string', format: 'date', description: 'Leave empty for permanent access' }
      },
      required: ['application']
    },
    approval: { type: 'team', teamId: itAccess.id },
    tasks: [{ title: 'Grant the role', teamId: itAccess.id }],
    autoResolve: true
  })

  const joiners = await service({ name: 'Joiners, movers and leavers', deskId: hr.id, ownerTeamId: hrTeam.id, categories: ['Employment'], description: 'Everything that happens when someone joins, changes role or leaves.', eligibility: { roles: ['agent', 'admin'] } })
  await item({
    serviceId: joiners.id,
    name: 'New-hire onboarding',
    kind: 'service_request',
    description: 'Prepare everything a new colleague needs on day one: contract, laptop, accounts, desk and badge.',
    expectedDeliveryMinutes: 5 * 24 * 60,
    form: {
      type: 'object',
      properties: {
        fullName: { type: 'string', minLength: 2 },
        startDate: { type: 'string', format: 'date' },
        department: { enum: ['Sales', 'Engineering', 'Finance', 'People'] },
        needsLaptop: { type: 'boolean', default: true },
        laptopModel: { enum: ['standard-14', 'developer-16'] }
      },
      required: ['fullName', 'startDate', 'department'],
      if: { properties: { needsLaptop: { const: true } } },
      then: { required: ['laptopModel'] }
    },
    tasks: [
      { title: 'Contract and payroll record', teamId: hrTeam.id, order: 1 },
      { title: 'Laptop and accounts', teamId: itDesk.id, order: 2 },
      { title: 'Desk, chair and building badge', teamId: facTeam.id, order: 2 },
      { title: 'Welcome and first-day plan', teamId: hrTeam.id, order: 3 }
    ],
    autoResolve: true
  })
  const payroll = await service({ name: 'Pay and benefits', deskId: hr.id, ownerTeamId: hrTeam.id, categories: ['Pay'], description: 'Payslips, expenses and benefits questions.' })
  await item({ serviceId: payroll.id, name: 'Copy of a payslip', kind: 'service_request', expectedDeliveryMinutes: 2 * 24 * 60, form: { type: 'object', properties: { month: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}$' } }, required: ['month'] }, tasks: [{ title: 'Send the payslip', teamId: hrTeam.id }], autoResolve: true })

  const workplace = await service({ name: 'Workplace', deskId: fac.id, ownerTeamId: facTeam.id, categories: ['Office'], description: 'Desks, rooms, badges and repairs in the office.', eligibility: { locations: ['Berlin'] } })
  await item({ serviceId: workplace.id, name: 'Something is broken in the office', kind: 'incident', form: { type: 'object', properties: { room: { type: 'string' }, what: { type: 'string', minLength: 3 } }, required: ['what'] } })
  await item({ serviceId: workplace.id, name: 'Replacement badge', kind: 'service_request', approval: { type: 'none' }, tasks: [{ title: 'Print and hand over the badge', teamId: facTeam.id }], autoResolve: true })
  return { seeded: true }
}
