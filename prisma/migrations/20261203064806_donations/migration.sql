-- CreateEnum
CREATE TYPE "DonationMethod" AS ENUM ('CARD', 'MPESA', 'CASH', 'BANK', 'IN_KIND');

-- CreateEnum
CREATE TYPE "DonationStatus" AS ENUM ('PENDING', 'RECEIVED', 'FAILED');

-- CreateEnum
CREATE TYPE "DonorReceiptKind" AS ENUM ('RECEIPT', 'CANCELLATION');

-- AlterTable
ALTER TABLE "donor" ADD COLUMN     "address" TEXT,
ADD COLUMN     "phone" TEXT,
ADD COLUMN     "phone_index" TEXT;

-- AlterTable
ALTER TABLE "payment" ADD COLUMN     "donation_id" UUID;

-- CreateTable
CREATE TABLE "donation" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "donor_id" UUID NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "method" "DonationMethod" NOT NULL,
    "status" "DonationStatus" NOT NULL,
    "fund" TEXT,
    "description" TEXT,
    "reference" TEXT,
    "idempotency_key" TEXT,
    "received_at" TIMESTAMPTZ(3),
    "recorded_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "donation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "donor_receipt" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "donation_id" UUID NOT NULL,
    "donor_id" UUID NOT NULL,
    "kind" "DonorReceiptKind" NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "cancels_receipt_id" UUID,
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "fund" TEXT,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "issued_by_id" UUID,

    CONSTRAINT "donor_receipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipt_counter" (
    "organization_id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "last_seq" INTEGER NOT NULL,

    CONSTRAINT "receipt_counter_pkey" PRIMARY KEY ("organization_id","year")
);

-- CreateIndex
CREATE INDEX "donation_organization_id_received_at_idx" ON "donation"("organization_id", "received_at");

-- CreateIndex
CREATE INDEX "donation_organization_id_donor_id_idx" ON "donation"("organization_id", "donor_id");

-- CreateIndex
CREATE UNIQUE INDEX "donation_organization_id_id_key" ON "donation"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "donation_organization_id_idempotency_key_key" ON "donation"("organization_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "donor_receipt_cancels_receipt_id_key" ON "donor_receipt"("cancels_receipt_id");

-- CreateIndex
CREATE INDEX "donor_receipt_organization_id_donor_id_year_idx" ON "donor_receipt"("organization_id", "donor_id", "year");

-- CreateIndex
CREATE INDEX "donor_receipt_organization_id_donation_id_idx" ON "donor_receipt"("organization_id", "donation_id");

-- CreateIndex
CREATE UNIQUE INDEX "donor_receipt_organization_id_number_key" ON "donor_receipt"("organization_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "donor_receipt_organization_id_year_seq_key" ON "donor_receipt"("organization_id", "year", "seq");

-- CreateIndex
CREATE INDEX "donor_organization_id_phone_index_idx" ON "donor"("organization_id", "phone_index");

-- CreateIndex
CREATE UNIQUE INDEX "donor_organization_id_id_key" ON "donor"("organization_id", "id");

-- CreateIndex
CREATE INDEX "payment_organization_id_donation_id_idx" ON "payment"("organization_id", "donation_id");

-- AddForeignKey
ALTER TABLE "donation" ADD CONSTRAINT "donation_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "donation" ADD CONSTRAINT "donation_organization_id_donor_id_fkey" FOREIGN KEY ("organization_id", "donor_id") REFERENCES "donor"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "donor_receipt" ADD CONSTRAINT "donor_receipt_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "donor_receipt" ADD CONSTRAINT "donor_receipt_organization_id_donation_id_fkey" FOREIGN KEY ("organization_id", "donation_id") REFERENCES "donation"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "donor_receipt" ADD CONSTRAINT "donor_receipt_organization_id_donor_id_fkey" FOREIGN KEY ("organization_id", "donor_id") REFERENCES "donor"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "donor_receipt" ADD CONSTRAINT "donor_receipt_cancels_receipt_id_fkey" FOREIGN KEY ("cancels_receipt_id") REFERENCES "donor_receipt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipt_counter" ADD CONSTRAINT "receipt_counter_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_organization_id_donation_id_fkey" FOREIGN KEY ("organization_id", "donation_id") REFERENCES "donation"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- -----------------------------------------------------------------------------
-- Donations and donor receipts (issue #13, P4, B3.3).
-- -----------------------------------------------------------------------------
ALTER TABLE "donor"
  ADD CONSTRAINT "donor_phone_ciphertext" CHECK ("phone" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "donor_address_ciphertext" CHECK ("address" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "donor_phone_index_hmac" CHECK ("phone_index" ~ '^v2\.[A-Za-z0-9_-]{43}$');

ALTER TABLE "donation"
  ADD CONSTRAINT "donation_amount" CHECK (amount_minor > 0),
  ADD CONSTRAINT "donation_currency" CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "donation_received_at" CHECK (status <> 'RECEIVED' OR received_at IS NOT NULL),
  ADD CONSTRAINT "donation_in_kind_description" CHECK (method <> 'IN_KIND' OR description IS NOT NULL);
ALTER TABLE "donor_receipt"
  ADD CONSTRAINT "donor_receipt_amount" CHECK (amount_minor > 0),
  ADD CONSTRAINT "donor_receipt_currency" CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "donor_receipt_seq" CHECK (seq > 0),
  ADD CONSTRAINT "donor_receipt_cancels" CHECK ((kind = 'CANCELLATION') = (cancels_receipt_id IS NOT NULL));
ALTER TABLE "receipt_counter" ADD CONSTRAINT "receipt_counter_last_seq" CHECK (last_seq >= 0);

-- Receipts are insert-only for the app; the counter is taken by UPDATE; a donation is never deleted by the app.
GRANT SELECT, INSERT, UPDATE ON TABLE "donation", "receipt_counter" TO harambee_app;
GRANT SELECT, INSERT ON TABLE "donor_receipt" TO harambee_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "donation", "donor_receipt", "receipt_counter" TO harambee_platform;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLE "donation", "donor_receipt", "receipt_counter"
  FROM harambee_app, harambee_platform;

ALTER TABLE "donation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "donation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "donation" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "donor_receipt" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "donor_receipt" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "donor_receipt" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "receipt_counter" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "receipt_counter" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "receipt_counter" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

-- An issued receipt is locked (B3.3): the database refuses UPDATE, DELETE and
-- TRUNCATE whoever asks, grants or not. A correction is a CANCELLATION receipt
-- plus a new RECEIPT (lib/services/donor-receipts.ts). Only the owner, with
-- harambee.allow_receipt_rewrite = on in its own session, gets past (as for the audit trail).
CREATE FUNCTION donor_receipt_locked() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF pg_catalog.current_setting('harambee.allow_receipt_rewrite', true) = 'on'
     AND (SELECT c.relowner FROM pg_catalog.pg_class AS c WHERE c.oid = TG_RELID)
         = (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = current_user) THEN
    IF TG_LEVEL = 'STATEMENT' THEN
      RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
      RETURN OLD;
    ELSE
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'donor_receipt is locked once issued: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Correct a receipt by cancelling it and issuing a new one.';
END;
$$;
REVOKE ALL ON FUNCTION donor_receipt_locked() FROM PUBLIC;

CREATE TRIGGER donor_receipt_locked
  BEFORE UPDATE OR DELETE ON "donor_receipt"
  FOR EACH ROW EXECUTE FUNCTION donor_receipt_locked();

CREATE TRIGGER donor_receipt_no_truncate
  BEFORE TRUNCATE ON "donor_receipt"
  FOR EACH STATEMENT EXECUTE FUNCTION donor_receipt_locked();
