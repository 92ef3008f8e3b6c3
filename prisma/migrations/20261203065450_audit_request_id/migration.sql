-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN     "request_id" TEXT;

-- The table-level GRANTs (SELECT, INSERT) cover the new column, and the append-only trigger keeps it as written.
