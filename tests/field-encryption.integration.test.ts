import { importBatchChunk, uploadBatch } from "@/lib/services/batches";
import { beneficiaryFile } from "@/prisma/seed-batches";
import { createUnitOrganization } from "./support/units";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { computeBlindIndex } from "@/lib/crypto/blind-index";
import { ENCRYPTED_FIELDS, indexFieldName } from "@/lib/crypto/fields";
import { FieldDecryptionError } from "@/lib/crypto/cipher";
import { disconnectAll } from "@/lib/db/clients";
import { FieldEncryptionUsageError } from "@/lib/db/field-encryption";
import { withCiphertext } from "@/lib/db/platform";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { getMember } from "@/lib/queries/members";
import { getWelfareCaseNotes } from "@/lib/queries/welfare-cases";
import { findDonorsByEmail } from "@/lib/queries/donors";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { stripeCredential } from "@/lib/payments/credentials";
import { createDonor } from "@/lib/services/donors";
import { createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { requestDisbursement } from "@/lib/services/welfare-disbursements";
import { connectAs } from "./support/database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { captureStderr } from "./support/stderr";
import type pg from "pg";

let club: TestOrganization;
let owner: pg.Client;

const CIPHERTEXT = /^v1\.[A-Za-z0-9-]+\.[A-Za-z0-9_-]{38,}$/;
const HMAC = /^v2\.[A-Za-z0-9_-]{43}$/;
const digits = () => String(Math.floor(1e10 + Math.random() * 9e10));

const person = () => ({
  firstName: "Amina",
  lastName: "Bello",
  email: `amina.${digits()}@example.org`,
  phone: `+23480${digits().slice(0, 8)}`,
  nin: digits(),
  bvn: digits(),
  dateOfBirth: "1988-04-12",
  address: `${digits().slice(0, 3)} Adeola Odeku Street, Victoria Island, Lagos`,
});

beforeAll(async () => {
  club = await createTestOrganization("crypto");
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const row = async (table: string, id: string) => (await owner.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0] as Record<string, string | null>;

describe("declared fields are encrypted under the service layer", () => {
  test("[M2.4] services write plaintext member NIN, BVN, phone, email, birth date and address; Postgres holds only ciphertext and blind indexes", async () => {
    const input = person();
    const { id } = await createMember(club.actors.ADMIN, input);
    const stored = await row("member", id);
    for (const [field, column] of [["nin", "nin"], ["bvn", "bvn"], ["phone", "phone"], ["email", "email"], ["dateOfBirth", "date_of_birth"], ["address", "address"]] as const) {
      expect(stored[column]).toMatch(CIPHERTEXT);
      expect(stored[column]).not.toContain(input[field]);
    }
    for (const column of ["nin_index", "bvn_index", "phone_index", "email_index"]) expect(stored[column]).toMatch(HMAC);
    expect(await getMember(club.actors.VIEWER, id)).toMatchObject(input);
  });

  test("[B2.1] donor name and email, M-Pesa receipt and phone, welfare notes and payment credentials are stored encrypted and read back", async () => {
    const email = `donor.${digits()}@example.org`;
    const donor = await createDonor(club.actors.TREASURER, { name: "Kamau Holdings Ltd", email });
    const { invoice, member } = await createTestInvoice(club);
    const payment = await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: "qgh12abc34", phone: "+254 712 000 111", amount: "1500", paidOn: "2026-11-01" });
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: member.id, title: "Hospital bill", notes: "Admitted to Aga Khan with malaria; family cannot pay." });
    const credential = await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", secretKey: "sk_test_harambeeFixtureNotAKey", webhookSecret: "whsec_harambeeFixture" });

    expect((await row("donor", donor.id)).name).toMatch(CIPHERTEXT);
    expect((await row("donor", donor.id)).email).toMatch(CIPHERTEXT);
    expect((await row("payment", payment.id)).mpesa_receipt).toMatch(CIPHERTEXT);
    expect((await row("payment", payment.id)).payer_phone).toMatch(CIPHERTEXT);
    expect((await row("welfare_case", welfare.id)).notes).toMatch(CIPHERTEXT);
    expect((await row("payment_credential", credential.id)).secret).toMatch(CIPHERTEXT);

    expect(await findDonorsByEmail(club.actors.VIEWER, email.toUpperCase())).toEqual([{ id: donor.id, name: "Kamau Holdings Ltd", email }]);
    expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, "QGH12ABC34")).toMatchObject({ mpesaReceipt: "QGH12ABC34", payerPhone: "+254712000111" });
    expect((await getWelfareCaseNotes(club.actors.TREASURER, welfare.id)).notes).toBe("Admitted to Aga Khan with malaria; family cannot pay.");
    expect(await stripeCredential(club.id)).toEqual({ secretKey: "sk_test_harambeeFixtureNotAKey", webhookSecret: "whsec_harambeeFixture" });
  });

  test("[B2.1] an M-Pesa receipt is recorded once per organisation, found through its blind index", async () => {
    const { invoice } = await createTestInvoice(club);
    const receipt = { invoiceId: invoice.id, method: "MPESA", reference: "RKT45XYZ90", amount: "50", paidOn: "2026-11-02" };
    await recordPayment(club.actors.TREASURER, receipt);
    await expect(recordPayment(club.actors.TREASURER, { ...receipt, reference: "rkt45xyz90" })).rejects.toMatchObject({
      code: "CONFLICT",
      fieldErrors: { reference: ["This M-Pesa receipt is already recorded."] },
    });
  });

  test("encrypted fields of a related model are decrypted in nested reads too", async () => {
    const input = person();
    const member = await createMember(club.actors.ADMIN, input);
    const welfare = await openWelfareCase(club.actors.ADMIN, { memberId: member.id, title: "School fees", notes: "Two children in Form 2." });
    const found = await withTenant(club.id, (tx) =>
      tx.welfareCase.findUniqueOrThrow({ where: { id: welfare.id }, include: { member: { select: { nin: true, phone: true } } } }),
    );
    expect(found.notes).toBe("Two children in Form 2.");
    expect(found.member).toEqual({ nin: input.nin, phone: input.phone });
  });

  test("results are plain objects with exactly the selected fields (the row id is fetched for decryption, then dropped)", async () => {
    const input = person();
    const { id } = await createMember(club.actors.ADMIN, input);
    const selected = await withTenant(club.id, (tx) => tx.member.findMany({ where: { id }, select: { nin: true, organization: { select: { slug: true } } } }));
    expect(selected).toEqual([{ nin: input.nin, organization: { slug: club.slug } }]);
    expect(Object.getOwnPropertySymbols(selected[0])).toEqual([]);
  });

  test("the audit trail records encrypted fields only as change markers", async () => {
    const input = person();
    const { id } = await createMember(club.actors.ADMIN, input);
    const [entry] = await withTenant(club.id, (tx) => tx.auditEntry.findMany({ where: { targetId: id } }));
    expect(entry!.after).toMatchObject({ nin: "[set]", bvn: "[set]", phone: "[set]", email: "[set]", dateOfBirth: "[set]", address: "[set]" });
    const text = JSON.stringify(entry, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    for (const value of Object.values(input).filter((v) => v !== "Amina" && v !== "Bello")) expect(text).not.toContain(value);
  });
});

describe("tampered ciphertext never decrypts", () => {
  test("a ciphertext swapped between two rows fails with a logged JSON error that holds no plaintext", async () => {
    const [a, b] = [person(), person()];
    const first = await createMember(club.actors.ADMIN, a);
    const second = await createMember(club.actors.ADMIN, b);
    await owner.query(
      `UPDATE member SET nin = CASE id WHEN $1::uuid THEN (SELECT nin FROM member WHERE id = $2::uuid) ELSE (SELECT nin FROM member WHERE id = $1::uuid) END WHERE id IN ($1::uuid, $2::uuid)`,
      [first.id, second.id],
    );
    const { lines, outcome } = await captureStderr(() => getMember(club.actors.ADMIN, first.id));
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(FieldDecryptionError);
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.message === "field decryption failed");
    expect(logged).toMatchObject({ level: "error", model: "Member", field: "nin", rowId: first.id, reason: "authentication-failed", keyId: "dev" });
    expect(lines.join("\n")).not.toContain(a.nin);
    expect(lines.join("\n")).not.toContain(b.nin);
  });

  test("a ciphertext moved between two columns of one row (NIN ↔ BVN) fails", async () => {
    const { id } = await createMember(club.actors.ADMIN, person());
    await owner.query(`UPDATE member SET nin = bvn, bvn = nin WHERE id = $1`, [id]);
    const { outcome } = await captureStderr(() => getMember(club.actors.ADMIN, id));
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ reason: "authentication-failed", context: { field: "nin", rowId: id } });
  });

  test("a flipped byte in a stored welfare note fails", async () => {
    const member = await createMember(club.actors.ADMIN, person());
    const { id } = await openWelfareCase(club.actors.ADMIN, { memberId: member.id, title: "Funeral", notes: "Father passed away on Sunday." });
    const stored = (await row("welfare_case", id)).notes!;
    const flipped = stored.slice(0, -2) + (stored.at(-2) === "A" ? "B" : "A") + stored.at(-1);
    await owner.query(`UPDATE welfare_case SET notes = $2 WHERE id = $1`, [id, flipped]);
    const { outcome } = await captureStderr(() => getWelfareCaseNotes(club.actors.ADMIN, id));
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ reason: "authentication-failed" });
  });
});

describe("the extension refuses what cannot work on ciphertext", () => {
  test("filtering on an encrypted field, bulk-updating one, writing a blind index or writing an encrypted model nested all throw", async () => {
    await expect(withTenant(club.id, (tx) => tx.member.findFirst({ where: { OR: [{ nin: "12345678901" }] } }))).rejects.toBeInstanceOf(FieldEncryptionUsageError);
    await expect(withTenant(club.id, (tx) => tx.member.updateMany({ data: { phone: "+254700000000" } }))).rejects.toBeInstanceOf(FieldEncryptionUsageError);
    await expect(withTenant(club.id, (tx) => tx.member.create({ data: { organizationId: club.id, firstName: "X", lastName: "Y", ninIndex: "forged" } }))).rejects.toBeInstanceOf(FieldEncryptionUsageError);
    await expect(
      withTenant(club.id, (tx) => tx.organization.update({ where: { id: club.id }, data: { members: { create: { firstName: "Nested", lastName: "Write", nin: "12345678901" } } } })),
    ).rejects.toBeInstanceOf(FieldEncryptionUsageError);
  });

  test("[M4.2] a blind-indexed field is written only with its organisation named, so its index is under that organisation's key; naming another organisation updates nothing", async () => {
    const { id } = await createMember(club.actors.ADMIN, person());
    const other = await createTestOrganization("crypto-other");
    await expect(withTenant(club.id, (tx) => tx.member.update({ where: { id }, data: { phone: "+254700000001" } }))).rejects.toThrow(/needs organizationId/);
    await expect(withTenant(club.id, (tx) => tx.member.update({ where: { id, organizationId: other.id }, data: { phone: "+254700000001" } }))).rejects.toMatchObject({ code: "P2025" });
    await withTenant(club.id, (tx) => tx.member.update({ where: { id, organizationId: club.id }, data: { phone: "+254700000001" } }));
    expect((await row("member", id)).phone_index).toBe(computeBlindIndex(env().keyring, club.id, "phone", "+254700000001"));
  });

  test("[M2.4] the database itself refuses plaintext in every declared encrypted column and blind index", async () => {
    await createDonor(club.actors.TREASURER, { name: "Check Donor" });
    const member = await createMember(club.actors.ADMIN, person());
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: member.id, title: "Check case", notes: "Check notes" });
    await requestDisbursement(club.actors.TREASURER, { caseId: welfare.id, amount: "100", method: "MPESA", phone: "0712 345 678", reason: "Check" });
    // A beneficiary and a staged batch row: an NGO's, through the batch upload.
    const ngo = await createUnitOrganization("crypto-batches");
    const staged = await uploadBatch(ngo.people.admin!, { locationId: Object.values(ngo.seeded.locations)[0]!, fileName: "check.csv", body: Buffer.from(beneficiaryFile(2, { prefix: 55555 }).csv) });
    await withTenant(ngo.id, (tx) => tx.beneficiaryBatch.update({ where: { id: staged.id }, data: { status: "QUEUED" } }));
    await importBatchChunk(ngo.people.admin!, { id: staged.id });
    await uploadBatch(ngo.people.admin!, { locationId: Object.values(ngo.seeded.locations)[0]!, fileName: "check.csv", body: Buffer.from(beneficiaryFile(2, { prefix: 55556 }).csv) });
    for (const [model, fields] of Object.entries(ENCRYPTED_FIELDS)) {
      type Delegate = { findFirst: (args: object) => Promise<{ id: string } | null>; update: (args: object) => Promise<unknown> };
      const delegate = (tx: unknown) => (tx as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
      const target = (await withCiphertext((tx) => delegate(tx).findFirst({ select: { id: true } })))!;
      expect(target, `a ${model} row to write to`).toBeTruthy();
      const columns = Object.entries(fields).flatMap(([field, spec]) => ("index" in spec ? [field, indexFieldName(field)] : [field]));
      for (const column of columns) {
        const write = withCiphertext((tx) => delegate(tx).update({ where: { id: target.id }, data: { [column]: "plaintext that must not land" } }));
        await expect(write, `${model}.${column}`).rejects.toThrow(/_(ciphertext|hmac)/);
      }
    }
  });
});
