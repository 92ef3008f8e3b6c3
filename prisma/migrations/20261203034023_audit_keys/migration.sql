-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN     "key_id" TEXT;

-- The chain is keyed: each entry's hash is an HMAC under the audit key named
-- here (AUDIT_KEYS, never in the database). Entries written before this
-- migration have no key id; `npm run migrate` re-hashes them under the current
-- key right after the SQL migrations (scripts/lib/audit-rekey.ts) and appends
-- one audit.rekey entry per chain. This partial index finds those entries at
-- once, and stays empty afterwards.
CREATE INDEX "audit_entry_unkeyed_idx" ON "audit_entry" ("organization_id", "seq") WHERE "key_id" IS NULL;
ALTER TABLE "audit_entry" ADD CONSTRAINT "audit_entry_key_id_format" CHECK ("key_id" ~ '^[A-Za-z0-9-]{1,32}$');
