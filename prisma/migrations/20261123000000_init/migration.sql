-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrganizationKind" AS ENUM ('CLUB', 'NGO');

-- CreateEnum
CREATE TYPE "OrganizationStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'TREASURER', 'PROGRAM_MANAGER', 'LOCATION_ADMIN', 'FIELD_MANAGER', 'MEMBER', 'VIEWER');

-- CreateEnum
CREATE TYPE "MemberStatus" AS ENUM ('ACTIVE', 'ARCHIVED');

-- CreateTable
CREATE TABLE "district" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "district_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "OrganizationKind" NOT NULL,
    "status" "OrganizationStatus" NOT NULL DEFAULT 'ACTIVE',
    "district_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "is_platform_admin" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "membership" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "organization_id" UUID,
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "member" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "first_name" TEXT NOT NULL,
    "last_name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "status" "MemberStatus" NOT NULL DEFAULT 'ACTIVE',
    "joined_on" DATE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entry" (
    "id" UUID NOT NULL,
    "organization_id" UUID,
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_label" TEXT NOT NULL,
    "ip" TEXT,
    "action" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "district_code_key" ON "district"("code");

-- CreateIndex
CREATE UNIQUE INDEX "organization_slug_key" ON "organization"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "membership_user_id_idx" ON "membership"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "membership_organization_id_user_id_key" ON "membership"("organization_id", "user_id");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "session"("user_id");

-- CreateIndex
CREATE INDEX "member_organization_id_last_name_first_name_idx" ON "member"("organization_id", "last_name", "first_name");

-- CreateIndex
CREATE INDEX "audit_entry_organization_id_at_idx" ON "audit_entry"("organization_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entry_organization_id_seq_key" ON "audit_entry"("organization_id", "seq");

-- AddForeignKey
ALTER TABLE "organization" ADD CONSTRAINT "organization_district_id_fkey" FOREIGN KEY ("district_id") REFERENCES "district"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "membership" ADD CONSTRAINT "membership_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- =============================================================================
-- HAND-WRITTEN SECURITY SECTION (not generated by db:diff; Prisma does not model
-- roles, privileges, RLS or triggers). Everything below is part of the same
-- migration and runs in the same transaction as the generated DDL above.
--
-- Rules for LATER migrations (no ALTER DEFAULT PRIVILEGES on purpose):
--   * every new table gets explicit GRANTs to harambee_app / harambee_platform
--     (never TRUNCATE, never anything on _prisma_migrations);
--   * every new tenant table (organization_id NOT NULL) gets ENABLE + FORCE
--     ROW LEVEL SECURITY and a tenant_isolation policy identical to the ones here.
-- =============================================================================

-- -----------------------------------------------------------------------------
-- 1. Roles. Roles are cluster-wide, so they may already exist (another database
--    on the same server, a re-created database). Create when missing, otherwise
--    re-assert the attributes so a pre-existing role can never keep stronger
--    ones. No passwords here: scripts/migrate.ts sets them from the environment.
--    (Setting [NO]BYPASSRLS requires a superuser owner.)
-- -----------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'harambee_app') THEN
    CREATE ROLE harambee_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  ELSE
    ALTER ROLE harambee_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'harambee_platform') THEN
    CREATE ROLE harambee_platform LOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  ELSE
    ALTER ROLE harambee_platform LOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
  END IF;
END
$$;

-- -----------------------------------------------------------------------------
-- 2. Privileges. Only what is listed here; no TRUNCATE, REFERENCES or TRIGGER
--    for either role, nothing at all on _prisma_migrations.
-- -----------------------------------------------------------------------------
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO harambee_app, harambee_platform;

-- Application role (subject to RLS).
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE
  "district", "app_user", "membership", "session", "member"
  TO harambee_app;
-- organization: INSERT/DELETE only through harambee_platform (see RLS below).
GRANT SELECT, UPDATE ON TABLE "organization" TO harambee_app;
REVOKE INSERT, DELETE ON TABLE "organization" FROM harambee_app;
-- audit trail: append-only.
GRANT SELECT, INSERT ON TABLE "audit_entry" TO harambee_app;

-- Platform role (BYPASSRLS: platform administration, jobs, reporting).
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE
  "district", "organization", "app_user", "membership", "session", "member"
  TO harambee_platform;
GRANT SELECT, INSERT ON TABLE "audit_entry" TO harambee_platform;

-- Belt and braces: nothing else on any table, nothing on the migration log.
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM harambee_app, harambee_platform;
REVOKE UPDATE, DELETE ON TABLE "audit_entry" FROM harambee_app, harambee_platform;
DO $$
BEGIN
  -- Created by the migration engine before this script runs; absent only if this
  -- file is replayed by hand.
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON TABLE public._prisma_migrations FROM PUBLIC, harambee_app, harambee_platform;
  END IF;
END
$$;

-- -----------------------------------------------------------------------------
-- 3. Row-level security on tenant tables (every table with organization_id,
--    except "session": an auth table whose organization_id is nullable and is
--    read before a tenant is known).
--    app.org_id is set per transaction (set_config(..., true)); outside such a
--    transaction a pooled connection reads it as '' (not NULL) once it has been
--    set before, hence NULLIF(..., '') — '' would otherwise fail the uuid cast.
--    No tenant set => NULL => no row matches (fail closed). FORCE applies the
--    policies to the table owner too (superusers and BYPASSRLS roles still
--    bypass them).
-- -----------------------------------------------------------------------------
ALTER TABLE "membership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "membership" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "membership" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "member" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "member" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "member" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

-- audit_entry: platform-chain rows (organization_id NULL) are never visible to
-- or writable by the app role; harambee_platform bypasses RLS.
ALTER TABLE "audit_entry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_entry" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "audit_entry" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

-- organization: readable by everyone (looked up by slug before the tenant is
-- known); UPDATE only of the current tenant's own row; no INSERT/DELETE policy,
-- so INSERT/DELETE are denied to every role subject to RLS (harambee_platform
-- bypasses RLS and does them).
ALTER TABLE "organization" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization" FORCE ROW LEVEL SECURITY;
CREATE POLICY organization_read ON "organization" FOR SELECT TO PUBLIC
  USING (true);
CREATE POLICY organization_write ON "organization" FOR UPDATE TO PUBLIC
  USING (id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = NULLIF(current_setting('app.org_id', true), '')::uuid);

-- -----------------------------------------------------------------------------
-- 4. audit_entry is append-only: UPDATE, DELETE (per row) and TRUNCATE (per
--    statement) raise, for every role, unless BOTH
--      current_setting('harambee.allow_audit_rewrite', true) = 'on'  AND
--      current_user is the table owner
--    i.e. only a deliberate owner session (e.g. a migration that does
--    SET LOCAL harambee.allow_audit_rewrite = 'on') can rewrite history. The
--    GUC alone is not enough: any session may set a custom setting.
--    SECURITY INVOKER (default) so current_user is the caller; catalog names are
--    schema-qualified and search_path pinned so temp objects cannot shadow them.
-- -----------------------------------------------------------------------------
CREATE FUNCTION audit_entry_append_only() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF pg_catalog.current_setting('harambee.allow_audit_rewrite', true) = 'on'
     AND (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID)
         = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
    IF TG_LEVEL = 'STATEMENT' THEN
      RETURN NULL;            -- ignored for statement-level triggers
    ELSIF TG_OP = 'DELETE' THEN
      RETURN OLD;
    ELSE
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_entry is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Only the table owner with harambee.allow_audit_rewrite = on may rewrite the audit trail.';
END;
$$;
REVOKE ALL ON FUNCTION audit_entry_append_only() FROM PUBLIC;

CREATE TRIGGER audit_entry_append_only
  BEFORE UPDATE OR DELETE ON "audit_entry"
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE TRIGGER audit_entry_no_truncate
  BEFORE TRUNCATE ON "audit_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();

-- -----------------------------------------------------------------------------
-- 5. One platform chain: (organization_id, seq) must be unique also when
--    organization_id IS NULL. Replace Prisma's index with a NULLS NOT DISTINCT
--    one (PostgreSQL 15+) under the same name, so Prisma's view of it is unchanged.
-- -----------------------------------------------------------------------------
DROP INDEX "audit_entry_organization_id_seq_key";
CREATE UNIQUE INDEX "audit_entry_organization_id_seq_key"
  ON "audit_entry"("organization_id", "seq") NULLS NOT DISTINCT;
