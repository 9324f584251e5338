ALTER TABLE "sla_clocks" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "triggers" jsonb;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "is_supplier" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Hand-written backfill: OLA/UC clocks bind the counterparty team of their policy.
UPDATE "sla_clocks" AS c SET "team_id" = (p."definition"->'counterparty'->>'teamId')::uuid FROM "sla_policies" AS p WHERE c."policy_id" = p."id" AND c."kind" IN ('ola', 'uc') AND p."definition"->'counterparty' ? 'teamId';
