import pg from "pg";
import PgBoss from "pg-boss";
import { JOB_SCHEMA } from "../../lib/jobs/queue";

/**
 * pg-boss's schema, installed or upgraded by `npm run migrate` as the owner
 * (the runtime roles cannot create schemas, and the queue never migrates at
 * runtime), then granted to the runtime roles. Safe at every migrate: pg-boss
 * changes its schema only when its version is behind (under its own advisory
 * lock, so instances migrating together do not race), and the grants are
 * re-asserted from nothing each time. Nothing here touches schema public.
 */
const S = JOB_SCHEMA;
const GRANTS = `
BEGIN;
REVOKE ALL ON SCHEMA ${S} FROM PUBLIC, harambee_app, harambee_platform;
REVOKE ALL ON ALL TABLES IN SCHEMA ${S} FROM PUBLIC, harambee_app, harambee_platform;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ${S} FROM PUBLIC, harambee_app, harambee_platform;
GRANT USAGE ON SCHEMA ${S} TO harambee_app, harambee_platform;

-- The worker runs pg-boss: fetches, completes and retries jobs, keeps the
-- schedules, archives and prunes. No TRUNCATE, no DDL. Each queue's partition
-- is reached through ${S}.job and needs no grant of its own; pg-boss 10 keys
-- everything by uuid, so there are no sequences either.
GRANT SELECT, INSERT, UPDATE, DELETE
  ON ${S}.version, ${S}.queue, ${S}.schedule, ${S}.subscription, ${S}.job, ${S}.archive
  TO harambee_platform;

-- A queue is a partition of ${S}.job, and only the owner of ${S}.job may
-- attach one, so create_queue runs as its owner, for the worker alone. Its body
-- is fixed; its arguments become quoted literals and a hashed table name. A
-- pg-boss upgrade's CREATE OR REPLACE resets this, hence every run.
ALTER FUNCTION ${S}.create_queue(text, json) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
GRANT EXECUTE ON FUNCTION ${S}.create_queue(text, json) TO harambee_platform;

-- A web request only enqueues: pg-boss checks the schema version, the insert
-- joins the queue and returns the new id. The app role can read, change or
-- delete no job.
GRANT SELECT ON ${S}.version, ${S}.queue TO harambee_app;
GRANT INSERT, SELECT (id) ON ${S}.job TO harambee_app;
COMMIT;
`;

export async function installJobSchema(ownerUrl: string): Promise<void> {
  // Started with migrate on and nothing else (no maintenance, no cron), pg-boss only creates or upgrades its schema.
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, migrate: true, supervise: false, schedule: false, max: 1, application_name: "harambee-migrate" });
  await boss.start();
  await boss.stop({ graceful: false });

  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(GRANTS);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
