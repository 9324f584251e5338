DROP INDEX "comments_search_idx";--> statement-breakpoint
DROP INDEX "tickets_priority_idx";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "public_comment_search" "tsvector";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "internal_note_search" "tsvector";--> statement-breakpoint
CREATE INDEX "tickets_status_created_idx" ON "tickets" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_public_comment_search_idx" ON "tickets" USING gin ("public_comment_search");--> statement-breakpoint
CREATE INDEX "tickets_internal_note_search_idx" ON "tickets" USING gin ("internal_note_search");--> statement-breakpoint
CREATE INDEX "tickets_priority_idx" ON "tickets" USING btree ("priority","created_at","id");--> statement-breakpoint
ALTER TABLE "comments" DROP COLUMN "search";--> statement-breakpoint
UPDATE "tickets" t SET "public_comment_search" = x.v FROM (SELECT "ticket_id", to_tsvector('english', string_agg("body", ' ')) AS v FROM "comments" WHERE "visibility" = 'public' GROUP BY "ticket_id") x WHERE x."ticket_id" = t."id";--> statement-breakpoint
UPDATE "tickets" t SET "internal_note_search" = x.v FROM (SELECT "ticket_id", to_tsvector('english', string_agg("body", ' ')) AS v FROM "comments" WHERE "visibility" = 'internal' GROUP BY "ticket_id") x WHERE x."ticket_id" = t."id";
