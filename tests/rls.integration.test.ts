import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { recordDonation } from "@/lib/services/donations";
import { createDonor } from "@/lib/services/donors";
import { recordPayment } from "@/lib/services/payments";
import { recordDuesReminder } from "@/lib/services/dues-reminders";
import { updateMember } from "@/lib/services/members";
import { enrolMember } from "@/lib/services/dues-plans";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { requestDisbursement } from "@/lib/services/welfare-disbursements";
import { createLocation, createProgram } from "@/lib/services/programs";
import { createBeneficiary } from "@/lib/services/beneficiaries";
import { uploadAttachment } from "@/lib/services/attachments";
import { uploadBatch } from "@/lib/services/batches";
import { beneficiaryFile } from "../prisma/seed-batches";
import { PNG } from "./support/attachment-files";
import { createTestInvoice } from "./support/dues";
import { receiveStripeEvent } from "@/lib/services/card-settlements";
import { verifyStripeEvent } from "@/lib/payments/stripe";
import { newPaymentIntentId, paymentIntentSucceeded, signatureFor } from "../scripts/lib/stripe-events";
import { grantSupportAccess } from "@/lib/services/support-access";
import { disconnectAll } from "@/lib/db/clients";
import { connectAs, tenantTables } from "./support/database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/** A payload with its signature and the secret that made it, as the webhook route verifies it. */
const signed = (payload: string): [string, string, string] => [payload, signatureFor(payload, "whsec_rlsIsolation"), "whsec_rlsIsolation"];

let clubA: TestOrganization;
let clubB: TestOrganization;
let app: pg.Client;

beforeAll(async () => {
  clubA = await createTestOrganization("rls-a");
  clubB = await createTestOrganization("rls-b");
  // A row in every tenant table, for both clubs.
  for (const club of [clubA, clubB]) {
    const { member, plan, invoice } = await createTestInvoice(club);
    await enrolMember(club.actors.TREASURER, { memberId: member.id, planId: plan.id });
    await createDonor(club.actors.TREASURER, { name: "Harambee Donor" });
    await recordDonation(club.actors.TREASURER, { name: "Harambee Giver", method: "CASH", currency: "KES", amount: "100", receivedOn: "2026-11-01" });
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: "RLS0000001", amount: "1", paidOn: "2026-11-01" });
    await updateMember(club.actors.ADMIN, { id: member.id, firstName: member.firstName, lastName: member.lastName, email: "payer@example.org" });
    await recordDuesReminder(club.actors.TREASURER, { invoiceId: invoice.id });
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: member.id, title: "Case", notes: "Notes" });
    await requestDisbursement(club.actors.TREASURER, { caseId: welfare.id, amount: "500", method: "CASH", reason: "Transport" });
    await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_rlsIsolation", webhookSecret: "whsec_rlsIsolation" });
    const card = { organizationId: club.id, invoiceId: invoice.id, paymentIntentId: newPaymentIntentId(), amountMinor: 100, currency: "KES" };
    await receiveStripeEvent(club.id, verifyStripeEvent(...signed(paymentIntentSucceeded(card).payload)));
    const program = await createProgram(club.actors.ADMIN, { name: "Food Relief" });
    const location = await createLocation(club.actors.ADMIN, { programId: program.id, name: "Ikeja" });
    const beneficiary = await createBeneficiary(club.actors.ADMIN, { locationId: location.id, firstName: "Ada", lastName: "Eze", householdSize: 3 });
    await uploadAttachment(club.actors.ADMIN, { parent: "beneficiary", parentId: beneficiary.id, fileName: "photo.png", body: PNG });
    // A beneficiary batch and its staged rows.
    await uploadBatch(club.actors.ADMIN, { locationId: location.id, fileName: "rls.csv", body: Buffer.from(beneficiaryFile(2, { prefix: club === clubA ? 71000 : 72000 }).csv) });
    await grantSupportAccess(club.actors.OWNER, { hours: 1 });
  }
  app = await connectAs("app");
});

afterAll(async () => {
  await app.end();
  await disconnectAll();
});

async function inTenant<T>(orgId: string | null, fn: () => Promise<T>): Promise<T> {
  await app.query("BEGIN");
  try {
    if (orgId) await app.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
    return await fn();
  } finally {
    await app.query("ROLLBACK");
  }
}

describe("[B3.2] row-level security enforces tenant isolation in the database", () => {
  test("the tenant tables are the ones we expect, and there are some", async () => {
    expect(await tenantTables(app)).toEqual(expect.arrayContaining(["audit_entry", "beneficiary", "location", "member", "membership", "program"]));
  });

  test("as the app role with app.org_id = club A, every tenant table returns only club A's rows", async () => {
    for (const table of await tenantTables(app)) {
      const orgIds = await inTenant(clubA.id, async () => {
        const { rows } = await app.query<{ organization_id: string }>(`SELECT DISTINCT organization_id FROM ${table}`);
        return rows.map((r) => r.organization_id);
      });
      expect(orgIds, table).toEqual([clubA.id]);
    }
  });

  test("with app.org_id unset, every tenant table returns zero rows", async () => {
    for (const table of await tenantTables(app)) {
      const count = await inTenant(null, async () => (await app.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
      expect(count, table).toBe(0);
    }
  });

  test("after a transaction ends, the pooled connection carries no tenant (setting reads '' and fails closed)", async () => {
    await inTenant(clubA.id, async () => undefined);
    const { rows } = await app.query("SELECT count(*)::int AS n FROM member");
    expect(rows[0].n).toBe(0);
  });

  test("inserting a row for club B while acting as club A fails", async () => {
    await expect(
      inTenant(clubA.id, () =>
        app.query("INSERT INTO member (id, organization_id, first_name, last_name, updated_at) VALUES (gen_random_uuid(), $1, 'X', 'Y', now())", [
          clubB.id,
        ]),
      ),
    ).rejects.toMatchObject({ code: "42501" });
  });

  test("updating club B's rows while acting as club A changes nothing", async () => {
    const updated = await inTenant(clubA.id, async () => (await app.query("UPDATE member SET last_name = 'Hacked' WHERE organization_id = $1", [clubB.id])).rowCount);
    expect(updated).toBe(0);
  });

  test("[M4.2] every record carries its organisation: organization_id is NOT NULL and references organization in every tenant table", async () => {
    const { rows } = await app.query<{ table_name: string; not_null: boolean; references_org: boolean }>(
      `SELECT c.relname AS table_name, a.attnotnull AS not_null,
              EXISTS (SELECT 1 FROM pg_constraint f
                       WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.confrelid = 'organization'::regclass
                         AND a.attnum = ANY (f.conkey)) AS references_org
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped
        WHERE c.relkind = 'r' AND c.relname <> 'session'
        ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(5);
    // The audit table alone holds rows of no organisation: the platform chain (organization_id NULL), which RLS never shows a tenant.
    const loose = rows.filter((r) => r.table_name !== "audit_entry" && (!r.not_null || !r.references_org));
    expect(loose.map((r) => r.table_name)).toEqual([]);
  });

  test("the app role is neither superuser nor BYPASSRLS, and every tenant table forces RLS", async () => {
    const role = await app.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    for (const table of await tenantTables(app)) {
      const { rows } = await app.query("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass", [table]);
      expect(rows[0], table).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    }
  });
});
