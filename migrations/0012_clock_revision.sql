ALTER TABLE "sla_clocks" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE FUNCTION "raise_clock_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."revision" := OLD."revision" + 1;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "sla_clocks_raise_revision" BEFORE UPDATE ON "sla_clocks"
  FOR EACH ROW EXECUTE FUNCTION "raise_clock_revision"();
