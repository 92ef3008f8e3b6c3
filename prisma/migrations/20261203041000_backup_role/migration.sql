-- =============================================================================
-- HAND-WRITTEN: the backup role (no schema change; nothing for db:diff).
--
-- `npm run backup` dumps the database as harambee_backup. Every tenant table has
-- FORCE ROW LEVEL SECURITY, so a dump as harambee_app (or as a non-superuser
-- owner) would read zero tenant rows and succeed anyway: the backup role needs
-- BYPASSRLS. It may read everything and change nothing:
--   * pg_read_all_data (PostgreSQL 14+) grants SELECT on every table, view and
--     sequence and USAGE on every schema, present and future, so no migration
--     has to remember it (pgboss's tables and _prisma_migrations included: a
--     restore needs both); it grants no write of any kind;
--   * INHERIT, so the predefined role's privileges apply without SET ROLE;
--   * default_transaction_read_only as a second lock on writes.
-- Like the other roles: created when missing, attributes re-asserted otherwise,
-- no password here (scripts/migrate.ts sets it from BACKUP_DB_PASSWORD).
-- =============================================================================
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'harambee_backup') THEN
    CREATE ROLE harambee_backup LOGIN BYPASSRLS INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  ELSE
    ALTER ROLE harambee_backup LOGIN BYPASSRLS INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;

GRANT pg_read_all_data TO harambee_backup;
ALTER ROLE harambee_backup SET default_transaction_read_only = on;
