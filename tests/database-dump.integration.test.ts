import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST as mpesaCallback } from "@/app/api/webhooks/mpesa/[token]/route";
import { disconnectAll } from "@/lib/db/clients";
import { getMember, listMembers } from "@/lib/queries/members";
import { getWelfareCase } from "@/lib/queries/welfare-cases";
import { payableInvoiceForMember } from "@/lib/queries/payable-invoices";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { stkCallbackBody } from "@/lib/schemas/mpesa-callbacks";
import { startMpesaPayment } from "@/lib/services/mpesa-payments";
import { stripeCredential } from "@/lib/payments/credentials";
import { createDonor } from "@/lib/services/donors";
import { createMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { openWelfareCase } from "@/lib/services/welfare-cases";
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
const DONOR = { name: "Mwangi Family Trust", email: "trustees@mwangi-family.example" };
const RECEIPT = { receiptNumber: "SKL7QX2M9P", phone: "+254711222333" };
const STRIPE = { secretKey: "sk_test_harambeeDumpFixtureNotAKey", webhookSecret: "whsec_harambeeDumpFixture" };
const STK_PHONE = "+254712349876";
const DARAJA = { shortcode: "174379", passkey: "dump-fixture-passkey", consumerKey: "dump-fixture-key", consumerSecret: "dump-fixture-secret" };

describe("a dump of the whole database", () => {
  test("[M2.4] [B2.1] pg_dump holds none of the seeded NIN, BVN, phone, email, address, welfare note, donor, receipt (manual or from a real STK callback), payer phone or credential; the app still shows them", async () => {
    const club = await createTestOrganization("dump");
    const ids = [];
    for (const person of people) ids.push((await createMember(club.actors.ADMIN, person)).id);
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: ids[0], title: "Medical support", notes: NOTE });
    await createDonor(club.actors.TREASURER, DONOR);
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
    expect(dump).toContain(stkCallback.checkoutRequestId);

    const secrets = [
      ...people.flatMap((p) => [p.nin, p.bvn, p.phone, p.phone.slice(1), p.email, p.dateOfBirth, p.address]),
      NOTE,
      NOTE.slice(0, 24),
      DONOR.name,
      DONOR.email,
      RECEIPT.receiptNumber,
      RECEIPT.phone.slice(1),
      stkReceipt,
      STK_PHONE.slice(1),
      DARAJA.passkey,
      DARAJA.consumerSecret,
      STRIPE.secretKey,
      STRIPE.webhookSecret,
    ];
    const found = secrets.filter((secret) => dump.toLowerCase().includes(secret.toLowerCase()));
    expect(found).toEqual([]);

    // An authorised user still reads every value through the app.
    for (const [i, person] of people.entries()) expect(await getMember(club.actors.VIEWER, ids[i]!)).toMatchObject(person);
    expect((await listMembers(club.actors.VIEWER, { search: "701 2345 6789" })).map((m) => m.id)).toEqual([ids[0]]);
    expect((await getWelfareCase(club.actors.TREASURER, welfare.id)).notes).toBe(NOTE);
    expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, RECEIPT.receiptNumber)).toMatchObject({ payerPhone: RECEIPT.phone });
    expect(await stripeCredential(club.id)).toEqual(STRIPE);
  });
});
