DROP TRIGGER "sla_clocks_raise_revision" ON "sla_clocks";--> statement-breakpoint
DROP FUNCTION "raise_clock_revision"();--> statement-breakpoint
ALTER TABLE "sla_clocks" DROP COLUMN "revision";--> statement-breakpoint
CREATE SEQUENCE "public"."ticket_clock_revision" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "ticket_clock_revisions" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"revision" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_clock_revisions" ADD CONSTRAINT "ticket_clock_revisions_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "ticket_clock_revisions" ("ticket_id", "revision")
  SELECT "ticket_id", nextval('ticket_clock_revision') FROM (SELECT DISTINCT "ticket_id" FROM "sla_clocks") AS "clocked";--> statement-breakpoint
-- A new revision for every ticket whose clocks the statement wrote. Rows are upserted in ticket
-- order, so two statements writing clocks of the same tickets (two sweeps) lock them in the same
-- order and cannot deadlock; a concurrent writer of one ticket waits for the other's commit.
CREATE FUNCTION "raise_ticket_clock_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ticket_clock_revisions" ("ticket_id", "revision")
    SELECT "ticket_id", nextval('ticket_clock_revision') FROM (SELECT DISTINCT "ticket_id" FROM "written") AS "tickets" ORDER BY "ticket_id"
  ON CONFLICT ("ticket_id") DO UPDATE SET "revision" = EXCLUDED."revision";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sla_clocks_inserted" AFTER INSERT ON "sla_clocks" REFERENCING NEW TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "raise_ticket_clock_revision"();--> statement-breakpoint
CREATE TRIGGER "sla_clocks_updated" AFTER UPDATE ON "sla_clocks" REFERENCING NEW TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "raise_ticket_clock_revision"();--> statement-breakpoint
CREATE TRIGGER "sla_clocks_deleted" AFTER DELETE ON "sla_clocks" REFERENCING OLD TABLE AS "written"
  FOR EACH STATEMENT EXECUTE FUNCTION "raise_ticket_clock_revision"();--> statement-breakpoint
-- Emptied clocks leave no ticket with clocks; revisions are never drawn again, so nothing kept can match.
CREATE FUNCTION "forget_ticket_clock_revisions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "ticket_clock_revisions";
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sla_clocks_truncated" AFTER TRUNCATE ON "sla_clocks"
  FOR EACH STATEMENT EXECUTE FUNCTION "forget_ticket_clock_revisions"();
