CREATE TABLE "calendar_revision" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "calendar_revision_one_row" CHECK ("calendar_revision"."id")
);
--> statement-breakpoint
INSERT INTO "calendar_revision" ("id", "revision") VALUES (true, 0);--> statement-breakpoint
CREATE FUNCTION "raise_calendar_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "calendar_revision" SET "revision" = "revision" + 1;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "calendars_raise_revision" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "calendars"
  FOR EACH STATEMENT EXECUTE FUNCTION "raise_calendar_revision"();
