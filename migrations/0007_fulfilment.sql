CREATE TABLE "approval_approvers" (
	"approval_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"decision" text,
	"comment" text,
	"decided_at" timestamp (3) with time zone,
	CONSTRAINT "approval_approvers_approval_id_user_id_pk" PRIMARY KEY("approval_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"policy" jsonb NOT NULL,
	"state" text NOT NULL,
	"required" integer NOT NULL,
	"reject_on" text NOT NULL,
	"requested_by_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "fulfilment_plans" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"plan" jsonb NOT NULL,
	"tasks_created_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fulfilment_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"desk_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"position" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"assignee_id" uuid,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "approval_approvers" ADD CONSTRAINT "approval_approvers_approval_id_approvals_id_fk" FOREIGN KEY ("approval_id") REFERENCES "public"."approvals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_approvers" ADD CONSTRAINT "approval_approvers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_plans" ADD CONSTRAINT "fulfilment_plans_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_tasks" ADD CONSTRAINT "fulfilment_tasks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_tasks" ADD CONSTRAINT "fulfilment_tasks_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_tasks" ADD CONSTRAINT "fulfilment_tasks_desk_id_desks_id_fk" FOREIGN KEY ("desk_id") REFERENCES "public"."desks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_tasks" ADD CONSTRAINT "fulfilment_tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fulfilment_tasks" ADD CONSTRAINT "fulfilment_tasks_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_approvers_user_idx" ON "approval_approvers" USING btree ("user_id","approval_id");--> statement-breakpoint
CREATE INDEX "approvals_ticket_idx" ON "approvals" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "approvals_state_created_idx" ON "approvals" USING btree ("state","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_one_pending_per_ticket" ON "approvals" USING btree ("ticket_id") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "fulfilment_tasks_ticket_idx" ON "fulfilment_tasks" USING btree ("ticket_id","position","created_at");--> statement-breakpoint
CREATE INDEX "fulfilment_tasks_team_idx" ON "fulfilment_tasks" USING btree ("team_id","created_at","id");--> statement-breakpoint
CREATE INDEX "fulfilment_tasks_desk_idx" ON "fulfilment_tasks" USING btree ("desk_id","created_at","id");--> statement-breakpoint
CREATE INDEX "fulfilment_tasks_assignee_idx" ON "fulfilment_tasks" USING btree ("assignee_id");