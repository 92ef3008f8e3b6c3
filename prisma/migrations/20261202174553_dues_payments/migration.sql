-- CreateEnum
CREATE TYPE "DuesPeriodKind" AS ENUM ('ANNUAL', 'SEMI_ANNUAL', 'QUARTERLY', 'MONTHLY');

-- CreateEnum
CREATE TYPE "DuesPlanLevel" AS ENUM ('INDIVIDUAL', 'FAMILY', 'CORPORATE');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'OPEN', 'VOID');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CARD', 'MPESA', 'CASH', 'BANK');

-- CreateEnum
CREATE TYPE "PaymentKind" AS ENUM ('PAYMENT', 'REFUND');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- DropForeignKey
ALTER TABLE "mpesa_payment" DROP CONSTRAINT "mpesa_payment_organization_id_fkey";

-- DropIndex
DROP INDEX "dues_invoice_organization_id_member_id_period_key";

-- Invoices now belong to a plan and their paid amount lives in the ledger.
-- Before launch the only invoices are the demo's, which carry neither: they
-- are dropped (TRUNCATE is not subject to RLS) and the seed issues new ones.
ALTER TABLE "dues_invoice" DROP CONSTRAINT "dues_invoice_amounts";
TRUNCATE "dues_invoice";

-- AlterTable
ALTER TABLE "member" ADD COLUMN     "user_id" UUID;

-- AlterTable
ALTER TABLE "dues_invoice" DROP COLUMN "paid_minor",
ADD COLUMN     "covered_member_ids" UUID[],
ADD COLUMN     "currency" TEXT NOT NULL,
ADD COLUMN     "due_on" DATE NOT NULL,
ADD COLUMN     "period_start" DATE NOT NULL,
ADD COLUMN     "plan_id" UUID NOT NULL,
ADD COLUMN     "status" "InvoiceStatus" NOT NULL DEFAULT 'OPEN',
ADD COLUMN     "void_reason" TEXT,
ADD COLUMN     "voided_at" TIMESTAMPTZ(3);

-- DropTable
DROP TABLE "mpesa_payment";

-- CreateTable
CREATE TABLE "dues_plan" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "level" "DuesPlanLevel" NOT NULL DEFAULT 'INDIVIDUAL',
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "period_kind" "DuesPeriodKind" NOT NULL,
    "due_days" INTEGER NOT NULL DEFAULT 30,
    "grace_days" INTEGER NOT NULL DEFAULT 90,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dues_plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dues_enrolment" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "payer_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dues_enrolment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dues_reminder" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dues_reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "invoice_id" UUID,
    "kind" "PaymentKind" NOT NULL DEFAULT 'PAYMENT',
    "method" "PaymentMethod" NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "reference" TEXT,
    "mpesa_receipt" TEXT,
    "mpesa_receipt_index" TEXT,
    "payer_phone" TEXT,
    "payer_phone_index" TEXT,
    "raw_payload" TEXT,
    "failure_reason" TEXT,
    "paid_at" TIMESTAMPTZ(3),
    "recorded_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_event" (
    "id" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dues_plan_organization_id_id_key" ON "dues_plan"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "dues_plan_organization_id_name_key" ON "dues_plan"("organization_id", "name");

-- CreateIndex
CREATE INDEX "dues_enrolment_organization_id_plan_id_payer_id_idx" ON "dues_enrolment"("organization_id", "plan_id", "payer_id");

-- CreateIndex
CREATE UNIQUE INDEX "dues_enrolment_organization_id_member_id_key" ON "dues_enrolment"("organization_id", "member_id");

-- CreateIndex
CREATE UNIQUE INDEX "dues_reminder_organization_id_invoice_id_stage_key" ON "dues_reminder"("organization_id", "invoice_id", "stage");

-- CreateIndex
CREATE INDEX "payment_organization_id_invoice_id_idx" ON "payment"("organization_id", "invoice_id");

-- CreateIndex
CREATE INDEX "payment_organization_id_payer_phone_index_idx" ON "payment"("organization_id", "payer_phone_index");

-- CreateIndex
CREATE INDEX "payment_organization_id_status_method_idx" ON "payment"("organization_id", "status", "method");

-- CreateIndex
CREATE UNIQUE INDEX "payment_organization_id_method_kind_reference_key" ON "payment"("organization_id", "method", "kind", "reference");

-- CreateIndex
CREATE UNIQUE INDEX "payment_organization_id_mpesa_receipt_index_key" ON "payment"("organization_id", "mpesa_receipt_index");

-- CreateIndex
CREATE UNIQUE INDEX "member_organization_id_user_id_key" ON "member"("organization_id", "user_id");

-- CreateIndex
CREATE INDEX "dues_invoice_organization_id_status_due_on_idx" ON "dues_invoice"("organization_id", "status", "due_on");

-- CreateIndex
CREATE UNIQUE INDEX "dues_invoice_organization_id_id_key" ON "dues_invoice"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "dues_invoice_organization_id_member_id_plan_id_period_key" ON "dues_invoice"("organization_id", "member_id", "plan_id", "period");

-- AddForeignKey
ALTER TABLE "member" ADD CONSTRAINT "member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_plan" ADD CONSTRAINT "dues_plan_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_enrolment" ADD CONSTRAINT "dues_enrolment_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_enrolment" ADD CONSTRAINT "dues_enrolment_organization_id_member_id_fkey" FOREIGN KEY ("organization_id", "member_id") REFERENCES "member"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_enrolment" ADD CONSTRAINT "dues_enrolment_organization_id_payer_id_fkey" FOREIGN KEY ("organization_id", "payer_id") REFERENCES "member"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_enrolment" ADD CONSTRAINT "dues_enrolment_organization_id_plan_id_fkey" FOREIGN KEY ("organization_id", "plan_id") REFERENCES "dues_plan"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_invoice" ADD CONSTRAINT "dues_invoice_organization_id_plan_id_fkey" FOREIGN KEY ("organization_id", "plan_id") REFERENCES "dues_plan"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_reminder" ADD CONSTRAINT "dues_reminder_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dues_reminder" ADD CONSTRAINT "dues_reminder_organization_id_invoice_id_fkey" FOREIGN KEY ("organization_id", "invoice_id") REFERENCES "dues_invoice"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_organization_id_invoice_id_fkey" FOREIGN KEY ("organization_id", "invoice_id") REFERENCES "dues_invoice"("organization_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stripe_event" ADD CONSTRAINT "stripe_event_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- =============================================================================
-- HAND-WRITTEN SECURITY SECTION (not generated by db:diff). Same rules as in
-- 20261123000000_init: explicit GRANTs, and for every tenant table ENABLE +
-- FORCE ROW LEVEL SECURITY with the tenant_isolation policy.
-- =============================================================================

-- Amounts are whole minor units of an ISO 4217 currency; never zero or negative.
ALTER TABLE "dues_plan"
  ADD CONSTRAINT "dues_plan_amount" CHECK (amount_minor > 0),
  ADD CONSTRAINT "dues_plan_currency" CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "dues_plan_days" CHECK (due_days BETWEEN 0 AND 365 AND grace_days BETWEEN 0 AND 730);
ALTER TABLE "dues_invoice"
  ADD CONSTRAINT "dues_invoice_amount" CHECK (amount_minor > 0),
  ADD CONSTRAINT "dues_invoice_currency" CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "dues_invoice_covers_payer" CHECK (member_id = ANY (covered_member_ids)),
  ADD CONSTRAINT "dues_invoice_void_reason" CHECK ((status = 'VOID') = (void_reason IS NOT NULL AND voided_at IS NOT NULL));
ALTER TABLE "payment"
  ADD CONSTRAINT "payment_amount" CHECK (amount_minor > 0),
  ADD CONSTRAINT "payment_currency" CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT "payment_paid_at" CHECK (status <> 'SUCCEEDED' OR paid_at IS NOT NULL),
  ADD CONSTRAINT "payment_mpesa_receipt_ciphertext" CHECK ("mpesa_receipt" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "payment_payer_phone_ciphertext" CHECK ("payer_phone" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "payment_raw_payload_ciphertext" CHECK ("raw_payload" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$'),
  ADD CONSTRAINT "payment_mpesa_receipt_index_hmac" CHECK ("mpesa_receipt_index" ~ '^[A-Za-z0-9_-]{43}$'),
  ADD CONSTRAINT "payment_payer_phone_index_hmac" CHECK ("payer_phone_index" ~ '^[A-Za-z0-9_-]{43}$');
ALTER TABLE "dues_reminder" ADD CONSTRAINT "dues_reminder_stage" CHECK (stage IN ('due-soon', 'overdue'));

-- The ledger is append-and-settle: a payment row is never deleted by the app,
-- and applied Stripe events are never forgotten.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "dues_plan", "dues_enrolment" TO harambee_app;
GRANT SELECT, INSERT, UPDATE ON TABLE "dues_reminder", "payment" TO harambee_app;
GRANT SELECT, INSERT ON TABLE "stripe_event" TO harambee_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "dues_plan", "dues_enrolment", "dues_reminder", "payment", "stripe_event" TO harambee_platform;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLE "dues_plan", "dues_enrolment", "dues_reminder", "payment", "stripe_event"
  FROM harambee_app, harambee_platform;

ALTER TABLE "dues_plan" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dues_plan" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dues_plan" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "dues_enrolment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dues_enrolment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dues_enrolment" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "dues_reminder" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dues_reminder" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dues_reminder" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "payment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payment" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);

ALTER TABLE "stripe_event" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "stripe_event" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "stripe_event" FOR ALL TO PUBLIC
  USING (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = NULLIF(current_setting('app.org_id', true), '')::uuid);
