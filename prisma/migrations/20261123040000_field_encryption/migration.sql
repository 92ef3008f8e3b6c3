-- CreateEnum
CREATE TYPE "WelfareCaseStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "PaymentProvider" AS ENUM ('STRIPE', 'MPESA_DARAJA');

-- AlterTable
ALTER TABLE "member" ADD COLUMN     "address" TEXT,
ADD COLUMN     "bvn" TEXT,
ADD COLUMN     "bvn_index" TEXT,
ADD COLUMN     "date_of_birth" TEXT,
ADD COLUMN     "email_index" TEXT,
ADD COLUMN     "nin" TEXT,
ADD COLUMN     "nin_index" TEXT,
ADD COLUMN     "phone_index" TEXT;

-- CreateTable
CREATE TABLE "donor" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "email_index" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "donor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mpesa_payment" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "receipt_number" TEXT NOT NULL,
    "receipt_number_index" TEXT,
    "phone" TEXT,
    "phone_index" TEXT,
    "amount_minor" INTEGER NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mpesa_payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "welfare_case" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID,
    "title" TEXT NOT NULL,
    "notes" TEXT NOT NULL,
    "status" "WelfareCaseStatus" NOT NULL DEFAULT 'OPEN',
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "welfare_case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_credential" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "provider" "PaymentProvider" NOT NULL,
    "secret" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_credential_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "donor_organization_id_email_index_idx" ON "donor"("organization_id", "email_index");

-- CreateIndex
CREATE INDEX "mpesa_payment_organization_id_phone_index_idx" ON "mpesa_payment"("organization_id", "phone_index");

-- CreateIndex
CREATE UNIQUE INDEX "mpesa_payment_organization_id_receipt_number_index_key" ON "mpesa_payment"("organization_id", "receipt_number_index");

-- CreateIndex
CREATE INDEX "welfare_case_organization_id_status_idx" ON "welfare_case"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payment_credential_organization_id_provider_key" ON "payment_credential"("organization_id", "provider");

-- CreateIndex
CREATE INDEX "member_organization_id_phone_index_idx" ON "member"("organization_id", "phone_index");

-- CreateIndex
CREATE INDEX "member_organization_id_email_index_idx" ON "member"("organization_id", "email_index");

-- CreateIndex
CREATE UNIQUE INDEX "member_organization_id_id_key" ON "member"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "member_organization_id_nin_index_key" ON "member"("organization_id", "nin_index");

-- CreateIndex
CREATE UNIQUE INDEX "member_organization_id_bvn_index_key" ON "member"("organization_id", "bvn_index");

-- AddForeignKey
ALTER TABLE "donor" ADD CONSTRAINT "donor_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mpesa_payment" ADD CONSTRAINT "mpesa_payment_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "welfare_case" ADD CONSTRAINT "welfare_case_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "welfare_case" ADD CONSTRAINT "welfare_case_organization_id_member_id_fkey" FOREIGN KEY ("organization_id", "member_id") REFERENCES "member"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_credential" ADD CONSTRAINT "payment_credential_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- =============================================================================
-- HAND-WRITTEN SECURITY SECTION (see 20261123000000_init for the rules).
-- =============================================================================

-- -----------------------------------------------------------------------------
-- 1. Privileges on the new tables. Payments are financial records: the app role
--    never deletes them (closure deletion runs as harambee_platform).
-- -----------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "donor", "welfare_case", "payment_credential" TO harambee_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "mpesa_payment" TO harambee_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "donor", "mpesa_payment", "welfare_case", "payment_credential" TO harambee_platform;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLE "donor", "mpesa_payment", "welfare_case", "payment_credential"
  FROM harambee_app, harambee_platform;

-- -----------------------------------------------------------------------------
-- 2. Row-level security: every new table is a tenant table.
-- -----------------------------------------------------------------------------
ALTER TABLE "donor" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "donor" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "donor" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "mpesa_payment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "mpesa_payment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "mpesa_payment" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "welfare_case" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "welfare_case" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "welfare_case" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "payment_credential" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payment_credential" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payment_credential" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

-- -----------------------------------------------------------------------------
-- 3. Encrypted columns hold only ciphertext ("v1.<key id>.<base64url>", see
--    lib/crypto/cipher.ts) and blind-index columns only an HMAC (43 base64url
--    characters), whatever path a write takes. member.email and member.phone
--    predate encryption and may hold plaintext in an existing database: their
--    checks are NOT VALID (enforced for every new write, not for old rows) until
--    `npm run keys:rotate -- --adopt-plaintext` has encrypted them (docs/KEYS.md).
-- -----------------------------------------------------------------------------
ALTER TABLE "member"
  ADD CONSTRAINT "member_email_ciphertext" CHECK ("email" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$') NOT VALID,
  ADD CONSTRAINT "member_phone_ciphertext" CHECK ("phone" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$') NOT VALID;
ALTER TABLE "member"
  ADD CONSTRAINT "member_nin_ciphertext" CHECK ("nin" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "member_bvn_ciphertext" CHECK ("bvn" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "member_date_of_birth_ciphertext" CHECK ("date_of_birth" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "member_address_ciphertext" CHECK ("address" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "member_email_index_hmac" CHECK ("email_index" ~ '^[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_phone_index_hmac" CHECK ("phone_index" ~ '^[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_nin_index_hmac" CHECK ("nin_index" ~ '^[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "member_bvn_index_hmac" CHECK ("bvn_index" ~ '^[A-Za-z0-9_-]{43}$');

ALTER TABLE "donor"
  ADD CONSTRAINT "donor_name_ciphertext" CHECK ("name" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "donor_email_ciphertext" CHECK ("email" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "donor_email_index_hmac" CHECK ("email_index" ~ '^[A-Za-z0-9_-]{43}$');

ALTER TABLE "mpesa_payment"
  ADD CONSTRAINT "mpesa_payment_receipt_number_ciphertext" CHECK ("receipt_number" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "mpesa_payment_phone_ciphertext" CHECK ("phone" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "mpesa_payment_receipt_number_index_hmac" CHECK ("receipt_number_index" ~ '^[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "mpesa_payment_phone_index_hmac" CHECK ("phone_index" ~ '^[A-Za-z0-9_-]{43}$');

ALTER TABLE "welfare_case"
  ADD CONSTRAINT "welfare_case_notes_ciphertext" CHECK ("notes" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$');

ALTER TABLE "payment_credential"
  ADD CONSTRAINT "payment_credential_secret_ciphertext" CHECK ("secret" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$');
