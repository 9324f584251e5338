CREATE TABLE "sla_clocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"policy_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"metric" text NOT NULL,
	"goal_minutes" jsonb NOT NULL,
	"pause_on" text[] NOT NULL,
	"warn_at" integer[] NOT NULL,
	"state" jsonb NOT NULL,
	"next_due_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_clocks_ticket_policy_key" ON "sla_clocks" USING btree ("ticket_id","policy_id");--> statement-breakpoint
CREATE INDEX "sla_clocks_next_due_idx" ON "sla_clocks" USING btree ("next_due_at") WHERE next_due_at is not null;