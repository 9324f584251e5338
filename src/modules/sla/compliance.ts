import type { Db } from '../../db/client.js'
import { ValidationError } from '../../shared/errors.js'
import { isAdmin, requireAgent, type Principal } from '../../shared/principal.js'
import { complianceCounts } from './repository.js'
import type { ComplianceQuery, ComplianceReport } from './schema.js'

/** Percent met, floored to two decimals like clock percentages; null when nothing ended. */
export function percentageMet (met: number, total: number): number | null {
  return total === 0 ? null : Math.floor(met * 10_000 / total) / 100
}

/**
 * GET /v1/reports/sla-compliance: how many clock cycles that ended in [from, to) met or
 * breached their goal, per policy, service, team, priority or desk. Agents count the tickets of
 * the desks they work (every kind of clock there), admins every ticket; requesters may not.
 */
export function createComplianceReport ({ db }: { db: Db }) {
  return {
    async compliance (actor: Principal, query: ComplianceQuery): Promise<ComplianceReport> {
      requireAgent(actor)
      const from = new Date(query.from)
      const to = new Date(query.to)
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) throw new ValidationError([{ path: '/query/to', message: 'must be after from' }])
      const rows = await complianceCounts(db, { from, to }, query.groupBy, isAdmin(actor) ? undefined : actor.deskIds)
      const groups = rows.map(row => ({ ...row, total: row.met + row.breached, percentageMet: percentageMet(row.met, row.met + row.breached) }))
      const met = groups.reduce((sum, g) => sum + g.met, 0)
      const breached = groups.reduce((sum, g) => sum + g.breached, 0)
      return { from: from.toISOString(), to: to.toISOString(), groupBy: query.groupBy, groups, totals: { met, breached, total: met + breached, percentageMet: percentageMet(met, met + breached) } }
    }
  }
}
export type ComplianceReportService = ReturnType<typeof createComplianceReport>
