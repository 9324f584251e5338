ALTER TABLE "sla_clocks" ADD COLUMN "due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "breach_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD COLUMN "at_risk_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "sla_clocks_breach_idx" ON "sla_clocks" USING btree ("breach_at","ticket_id") WHERE breach_at is not null;--> statement-breakpoint
CREATE INDEX "sla_clocks_at_risk_idx" ON "sla_clocks" USING btree ("at_risk_at","ticket_id") WHERE at_risk_at is not null;--> statement-breakpoint
CREATE INDEX "sla_clocks_ticket_due_idx" ON "sla_clocks" USING btree ("ticket_id","due_at") WHERE due_at is not null;