import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST as mpesaCallback } from "@/app/api/webhooks/mpesa/[token]/route";
import { legacyBlindIndex } from "@/lib/crypto/blind-index";
import { disconnectAll } from "@/lib/db/clients";
import { env } from "@/lib/env";
import { getMember, listMembers } from "@/lib/queries/members";
import { getWelfareCaseNotes } from "@/lib/queries/welfare-cases";
import { payableInvoiceForMember } from "@/lib/queries/payable-invoices";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { stkCallbackBody } from "@/lib/schemas/mpesa-callbacks";
import { startMpesaPayment } from "@/lib/services/mpesa-payments";
import { stripeCredential } from "@/lib/payments/credentials";
import { createBeneficiary } from "@/lib/services/beneficiaries";
import { createDonor } from "@/lib/services/donors";
import { recordDonation } from "@/lib/services/donations";
import { donorDetail } from "@/lib/queries/donations";
import { createMember } from "@/lib/services/members";
import { createLocation, createProgram } from "@/lib/services/programs";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { openWelfareCase, updateWelfareNotes } from "@/lib/services/welfare-cases";
import { approveDisbursement, requestDisbursement } from "@/lib/services/welfare-disbursements";
import { migrate } from "../scripts/migrate";
import { startDarajaStandIn, type DarajaStandIn } from "../scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { startDebianPostgres, type DebianPostgres } from "./support/debian-postgres";
import { createTestOrganization } from "./support/organizations";
import { serveRoute, type RouteServer } from "./support/route-server";

/**
 * "A stolen database yields nothing": the whole database as pg_dump writes it
 * (superuser, so row-level security hides nothing) holds none of the personal
 * values the services were given. pg_dump must match the server's major
 * version, so this runs on Debian's PostgreSQL 15 with Debian's pg_dump 15
 * (which also shows the app runs on the oldest server it supports).
 */
let server: DebianPostgres;
let daraja: DarajaStandIn;
let callbacks: RouteServer;

beforeAll(async () => {
  server = await startDebianPostgres();
  await migrate(server.ownerUrl);
  process.env.DATABASE_URL = server.ownerUrl;
  // A real STK payment: pushed through the Daraja stand-in, settled by its callback into the real route.
  daraja = await startDarajaStandIn({ callbackDelayMs: 20 });
  process.env.DARAJA_BASE_URL = daraja.url;
  callbacks = await serveRoute(/^\/api\/webhooks\/mpesa\/(?<token>[^/]+)$/, mpesaCallback);
});
afterAll(async () => {
  await callbacks?.close();
  await daraja?.stop();
  await disconnectAll();
  await server?.stop();
});

const people = [
  { firstName: "Chiamaka", lastName: "Okafor", nin: "70123456789", bvn: "22198765432", phone: "+2348031234567", email: "chiamaka.okafor@example.ng", dateOfBirth: "1979-02-14", address: "14 Awolowo Road, Ikoyi, Lagos" },
  { firstName: "Wanjiru", lastName: "Kamau", nin: "80987654321", bvn: "22311122233", phone: "+254722555777", email: "wanjiru.kamau@example.ke", dateOfBirth: "1991-09-30", address: "Plot 7, Ngong Road, Nairobi" },
];
const NOTE = "Diagnosed with sickle-cell crisis; husband lost his job at the port in October.";
const EDITED_NOTE = "Readmitted in November; the children stay with their grandmother in Thika.";
const PAYOUT_PHONE = "+254722765432";
const DONOR = { name: "Mwangi Family Trust", email: "trustees@mwangi-family.example" };
const GIVER = { name: "Nduta Wairimu Gathoni", email: "nduta.gathoni@giver.example", phone: "+254722333444", address: "Plot 14, Riara Road, Kilimani" };
const RECEIPT = { receiptNumber: "SKL7QX2M9P", phone: "+254711222333" };
const STRIPE = { secretKey: "sk_test_harambeeDumpFixtureNotAKey", webhookSecret: "whsec_harambeeDumpFixture" };
const STK_PHONE = "+254712349876";
const DARAJA = { shortcode: "174379", passkey: "dump-fixture-passkey", consumerKey: "dump-fixture-key", consumerSecret: "dump-fixture-secret" };

/** Every blind-index value in a pg_dump (each `*_index` column of every COPY block), with where it sits. */
function dumpedIndexes(dump: string) {
  return [...dump.matchAll(/^COPY public\.(\w+) \(([^)]*)\) FROM stdin;\n([\s\S]*?)^\\\.$/gm)].flatMap(([, table, header, body]) => {
    const columns = header!.split(", ").map((c) => c.replaceAll('"', ""));
    return body!
      .split("\n")
      .filter(Boolean)
      .map((line) => Object.fromEntries(line.split("\t").map((v, i) => [columns[i]!, v === "\\N" ? null : v])))
      .flatMap((row) =>
        Object.entries(row)
          .filter(([column, value]) => column.endsWith("_index") && value !== null)
          .map(([column, value]) => ({ organizationId: row.organization_id, at: `${table}.${column}`, value: value! })),
      );
  });
}

describe("a dump of the whole database", () => {
  test("[M2.4] [B2.1] pg_dump holds none of the seeded NIN, BVN, phone, email, address, welfare note (as opened and as edited), welfare payout phone, donor, receipt (manual or from a real STK callback), payer phone or credential; the app still shows them", async () => {
    const club = await createTestOrganization("dump");
    const ids = [];
    for (const person of people) ids.push((await createMember(club.actors.ADMIN, person)).id);
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: ids[0], title: "Medical support", notes: NOTE });
    await updateWelfareNotes(club.actors.ADMIN, { caseId: welfare.id, notes: EDITED_NOTE });
    const payout = await requestDisbursement(club.actors.OWNER, { caseId: welfare.id, amount: "3000", method: "MPESA", phone: PAYOUT_PHONE, reason: "Hospital balance" });
    await approveDisbursement(club.actors.TREASURER, { disbursementId: payout.id });
    await createDonor(club.actors.TREASURER, DONOR);
    const gift = await recordDonation(club.actors.TREASURER, { ...GIVER, method: "BANK", currency: "KES", amount: "5000", reference: "EFT-778", receivedOn: "2026-11-21" });
    const { invoice } = await createTestInvoice(club);
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: RECEIPT.receiptNumber, phone: RECEIPT.phone, amount: "2500", paidOn: "2026-11-20" });
    await setPaymentCredential(club.actors.OWNER, { provider: "STRIPE", ...STRIPE });
    await setPaymentCredential(club.actors.OWNER, { provider: "MPESA_DARAJA", ...DARAJA });
    const stk = await createTestInvoice(club, { amount: "250" });
    const payable = await payableInvoiceForMember(club.actors.TREASURER, stk.invoice.id);
    await startMpesaPayment(club.actors.TREASURER, payable, { phone: STK_PHONE }, `http://${club.slug}.localhost:${callbacks.port}`);
    await vi.waitFor(() => expect(callbacks.answered.map((a) => a.status)).toEqual([200]), { timeout: 10_000, interval: 20 });
    const stkCallback = stkCallbackBody.parse(JSON.parse(callbacks.answered[0]!.body));
    const stkReceipt = stkCallback.payment!.receiptNumber;
    expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, stkReceipt)).toMatchObject({ status: "SUCCEEDED", payerPhone: STK_PHONE, invoiceId: stk.invoice.id });

    const owner = await connectAs("owner");
    const { rows } = await owner.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    await owner.end();
    const serverMajor = Math.floor(Number(rows[0]!.v) / 10000);
    const dumpMajor = Number(/\(PostgreSQL\) (\d+)/.exec(execFileSync(server.pgDump, ["--version"], { encoding: "utf8" }))![1]);
    expect(dumpMajor).toBe(serverMajor);

    const dump = execFileSync(server.pgDump, ["--dbname", server.ownerUrl, "--no-owner"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    // The dump is real and whole: the rows are there, in their unencrypted columns.
    for (const [i, person] of people.entries()) {
      expect(dump).toContain(ids[i]);
      expect(dump).toContain(person.lastName);
    }
    expect(dump).toContain(welfare.id);
    expect(dump).toContain("Medical support");
    expect(dump).toContain(payout.id);
    expect(dump).toContain(stkCallback.checkoutRequestId);
    expect(dump).toContain(gift.receiptNumber);

    const secrets = [
      ...people.flatMap((p) => [p.nin, p.bvn, p.phone, p.phone.slice(1), p.email, p.dateOfBirth, p.address]),
      NOTE,
      NOTE.slice(0, 24),
      EDITED_NOTE,
      EDITED_NOTE.slice(0, 24),
      PAYOUT_PHONE.slice(1),
      DONOR.name,
      DONOR.email,
      ...Object.values(GIVER),
      GIVER.phone.slice(1),
      RECEIPT.receiptNumber,
      RECEIPT.phone.slice(1),
      stkReceipt,
      STK_PHONE.slice(1),
      DARAJA.passkey,
      DARAJA.consumerSecret,
      STRIPE.secretKey,
      STRIPE.webhookSecret,
    ];
    // The receipt email to the donor sits in the outbox, the stand-in for an email provider (no RESEND_API_KEY):
    // mail already sent, in plaintext by nature. Every table the app keeps its data in is searched.
    const outbox = /^COPY public\.email_outbox [^\n]*\n[\s\S]*?^\\\.$/m;
    expect(dump).toMatch(outbox);
    const stored = dump.replace(outbox, "");
    const found = secrets.filter((secret) => stored.toLowerCase().includes(secret.toLowerCase()));
    expect(found).toEqual([]);

    // An authorised user still reads every value through the app.
    for (const [i, person] of people.entries()) expect(await getMember(club.actors.VIEWER, ids[i]!)).toMatchObject(person);
    expect((await listMembers(club.actors.VIEWER, { search: "701 2345 6789" })).map((m) => m.id)).toEqual([ids[0]]);
    expect((await getWelfareCaseNotes(club.actors.TREASURER, welfare.id)).notes).toBe(EDITED_NOTE);
    expect(await donorDetail(club.actors.TREASURER, gift.donorId)).toMatchObject(GIVER);
    expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, RECEIPT.receiptNumber)).toMatchObject({ payerPhone: RECEIPT.phone });
    expect(await stripeCredential(club.id)).toEqual(STRIPE);
  });
  test("[M2.4] [M4.2] the same phone, NIN, BVN and email in a club and in an NGO share no blind-index value anywhere in the dump; each still finds its own person, and the payment's phone its member", async () => {
    const person = { firstName: "Adaeze", lastName: "Nwosu", nin: "71234509876", bvn: "22476813590", phone: "+2348035550147", email: "adaeze.nwosu@example.ng" };
    const club = await createTestOrganization("dump-club");
    const ngo = await createTestOrganization("dump-ngo", "NGO");
    // In the club a member who pays dues by M-Pesa from her phone; in the NGO the same woman enrolled by a field team.
    const member = await createMember(club.actors.ADMIN, person);
    const { invoice } = await createTestInvoice(club);
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: "TQB44LM0ZX", phone: person.phone, amount: "100", paidOn: "2026-11-21" });
    const enrolled = await createMember(ngo.actors.ADMIN, { ...person, phone: "+234 803 555 0147", nin: "712-3450-9876" });
    const program = await createProgram(ngo.actors.OWNER, { name: "Cash transfers" });
    const location = await createLocation(ngo.actors.OWNER, { programId: program.id, name: "Ikeja" });
    await createBeneficiary(ngo.actors.OWNER, { locationId: location.id, firstName: person.firstName, lastName: person.lastName, householdSize: 4 });

    const dump = execFileSync(server.pgDump, ["--dbname", server.ownerUrl, "--no-owner"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const indexes = dumpedIndexes(dump);
    const of = (organizationId: string) => indexes.filter((i) => i.organizationId === organizationId);
    const inClub = of(club.id);
    const inNgo = of(ngo.id);
    // Both organisations hold the person's four identifiers as indexes, and the club the payment's receipt and phone too.
    expect(new Set(inClub.map((i) => i.at))).toEqual(new Set(["member.email_index", "member.phone_index", "member.nin_index", "member.bvn_index", "payment.mpesa_receipt_index", "payment.payer_phone_index"]));
    expect(new Set(inNgo.map((i) => i.at))).toEqual(new Set(["member.email_index", "member.phone_index", "member.nin_index", "member.bvn_index"]));

    // Not one value in common between the two organisations, whatever column it sits in.
    const ngoValues = new Set(inNgo.map((i) => i.value));
    expect(inClub.filter((i) => ngoValues.has(i.value))).toEqual([]);
    // Nor anywhere else in the dump: each value occurs exactly where its own organisation's rows hold it.
    for (const { value } of [...inClub, ...inNgo]) expect(dump.split(value).length - 1, value).toBe(indexes.filter((i) => i.value === value).length);
    // And the old global index of these values, the same in every organisation, is nowhere.
    const { keyring } = env();
    const legacy = (["nin", "bvn", "phone", "email"] as const).map((kind) => legacyBlindIndex(keyring, kind, person[kind])!);
    expect(legacy.filter((value) => dump.includes(value))).toEqual([]);

    // Within the club the payment's phone index is its member's: that match still works.
    const clubPhone = (at: string) => inClub.find((i) => i.at === at)!.value;
    expect(clubPhone("payment.payer_phone_index")).toBe(clubPhone("member.phone_index"));
    const paid = await findPaymentByMpesaReceipt(club.actors.TREASURER, "tqb44lm0zx");
    expect((await listMembers(club.actors.TREASURER, { search: paid!.payerPhone! })).map((m) => m.id)).toEqual([member.id]);
    // Search and the one-per-NIN rule work inside each organisation, however the value is typed.
    expect((await listMembers(club.actors.VIEWER, { search: "712 3450 9876" })).map((m) => m.id)).toEqual([member.id]);
    expect((await listMembers(ngo.actors.VIEWER, { search: person.nin })).map((m) => m.id)).toEqual([enrolled.id]);
    expect((await listMembers(ngo.actors.VIEWER, { search: person.phone })).map((m) => m.id)).toEqual([enrolled.id]);
    await expect(createMember(ngo.actors.ADMIN, { firstName: "Someone", lastName: "Else", nin: person.nin })).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { nin: [expect.any(String)] } });
  });
});
