import { randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST } from "@/app/api/webhooks/mpesa/[token]/route";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { signReceiptLink } from "@/lib/donations/receipt-link";
import { receiptPdf } from "@/lib/donations/receipt-pdf";
import { formatMoney } from "@/lib/dues/money";
import { env } from "@/lib/env";
import { donationsPerMonth, donorDetail, receiptDocument, receiptDocumentByLink } from "@/lib/queries/donations";
import { giveByMpesa, recordDonation } from "@/lib/services/donations";
import { correctReceipt, issueReceipt } from "@/lib/services/donor-receipts";
import { startDarajaStandIn, type DarajaStandIn } from "@/scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { giveDarajaCredentials } from "./support/daraja-credentials";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { serveRoute, type RouteServer } from "./support/route-server";

/**
 * Donations and donor receipts through the services the app uses, on a real
 * PostgreSQL: receipt numbers from the per-year counter row, receipts the
 * database refuses to change, PDFs parsed back, the public page's M-Pesa gift
 * through the Daraja stand-in and the real callback route.
 */
const require = createRequire(import.meta.url);
const SAFARICOM = "127.0.0.2";
process.env.MPESA_CALLBACK_IPS = SAFARICOM;

let club: TestOrganization;
let other: TestOrganization;
let standIn: DarajaStandIn;
let server: RouteServer;
let owner: pg.Client;
const year = new Date().getUTCFullYear();
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  standIn = await startDarajaStandIn({ callbackDelayMs: 50, callbackFrom: SAFARICOM });
  process.env.DARAJA_BASE_URL = standIn.url;
  server = await serveRoute(/^\/api\/webhooks\/mpesa\/(?<token>[^/]+)$/, POST);
  [club, other] = [await createTestOrganization("kil"), await createTestOrganization("don-other")];
  await giveDarajaCredentials(club);
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner?.end();
  await server?.close();
  await standIn?.stop();
  await disconnectAll();
});

const cash = (org: TestOrganization, fields: Record<string, string> = {}) =>
  recordDonation(org.actors.TREASURER, { name: "Wanjiru Kamau", method: "CASH", currency: "KES", amount: "1000", receivedOn: today, ...fields });

const receiptsOf = (org: TestOrganization) =>
  withTenant(org.id, (tx) => tx.donorReceipt.findMany({ where: { year }, orderBy: { seq: "asc" }, select: { id: true, seq: true, number: true, kind: true, amountMinor: true, cancelsReceiptId: true } }));

/** The text of a PDF's pages, as a reader extracts it (pdf.js, the streams inflated). */
async function pdfText(bytes: Buffer): Promise<string> {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const standardFontDataUrl = `${path.dirname(require.resolve("pdfjs-dist/package.json"))}/standard_fonts/`;
  const document = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl, useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= document.numPages; n += 1) {
    const content = await (await document.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ("str" in item ? item.str : "")).join(" "));
  }
  return pages.join("\n");
}

describe("donor receipts", () => {
  test("[P4] 200 concurrent donations in one club get receipt numbers 1..200 with no gap and no duplicate", async () => {
    const busy = await createTestOrganization("busy");
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => cash(busy, { name: `Donor ${i}`, amount: String(100 + i) })));
    const receipts = await receiptsOf(busy);
    expect(receipts.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.receiptNumber)).size).toBe(200);
    expect(receipts[0]!.number).toBe(`BUS-${year}-000001`);
    expect(receipts[199]!.number).toBe(`BUS-${year}-000200`);
  }, 180_000);

  test("[P4] a rolled-back donation leaves no gap: the number it took is given to the next one", async () => {
    const first = await cash(club);
    const taken = (await receiptsOf(club)).at(-1)!.seq;
    // A transaction that received a donation and issued its receipt, then failed: everything rolls back, the counter too.
    await expect(
      withTenant(club.id, async (tx) => {
        const receipt = await issueReceipt(tx, club.id, first.donationId, null);
        expect(receipt.number.endsWith(`-${String(taken + 1).padStart(6, "0")}`)).toBe(true);
        throw new Error("the donation failed after its receipt was numbered");
      }),
    ).rejects.toThrow("numbered");
    const next = await cash(club);
    expect(next.receiptNumber).toBe(`KIL-${year}-${String(taken + 1).padStart(6, "0")}`);
    expect((await receiptsOf(club)).map((r) => r.seq)).toEqual(Array.from({ length: taken + 1 }, (_, i) => i + 1));
  });

  test("[P4] [B3.3] an issued receipt cannot be changed or deleted as the app role: the database refuses it", async () => {
    const { receiptId } = await cash(club, { amount: "2500" });
    const app = await connectAs("app");
    try {
      const asTenant = async (sql: string) => {
        await app.query("BEGIN");
        try {
          await app.query("SELECT set_config('app.org_id', $1, true)", [club.id]);
          return await app.query(sql, [receiptId]);
        } finally {
          await app.query("ROLLBACK");
        }
      };
      expect((await asTenant("SELECT amount_minor FROM donor_receipt WHERE id = $1")).rows).toEqual([{ amount_minor: 250_000 }]);
      // The app role holds no UPDATE or DELETE on receipts at all.
      await expect(asTenant("UPDATE donor_receipt SET amount_minor = 1 WHERE id = $1")).rejects.toThrow(/permission denied for table donor_receipt/);
      await expect(asTenant("DELETE FROM donor_receipt WHERE id = $1")).rejects.toThrow(/permission denied for table donor_receipt/);
    } finally {
      await app.end();
    }
    // And the trigger refuses whoever holds the grants: the platform role and the owner.
    const platform = await connectAs("platform");
    try {
      await expect(platform.query("UPDATE donor_receipt SET amount_minor = 1 WHERE id = $1", [receiptId])).rejects.toThrow(/donor_receipt is locked once issued: UPDATE/);
      await expect(platform.query("DELETE FROM donor_receipt WHERE id = $1", [receiptId])).rejects.toThrow(/donor_receipt is locked once issued: DELETE/);
    } finally {
      await platform.end();
    }
    await expect(owner.query("DELETE FROM donor_receipt WHERE id = $1", [receiptId])).rejects.toThrow(/donor_receipt is locked once issued: DELETE/);
    await expect(owner.query("TRUNCATE donor_receipt CASCADE")).rejects.toThrow(/locked once issued: TRUNCATE/);
    await expect(owner.query("UPDATE donor_receipt SET number = 'X' WHERE id = $1", [receiptId])).rejects.toThrow(/locked/);
    const row = await owner.query("SELECT amount_minor, number FROM donor_receipt WHERE id = $1", [receiptId]);
    expect(row.rows[0]).toMatchObject({ amount_minor: 250_000 });
  });

  test("[P4] [B3.3] a correction is a cancelling receipt plus a new one; the original stays as issued", async () => {
    const gift = await cash(club, { amount: "3000", fund: "Borehole" });
    const corrected = await correctReceipt(club.actors.TREASURER, { receiptId: gift.receiptId, currency: "KES", amount: "300", fund: "Borehole", reason: "typed a zero too many" });
    const receipts = await receiptsOf(club);
    const original = receipts.find((r) => r.id === gift.receiptId)!;
    const cancellation = receipts.find((r) => r.cancelsReceiptId === gift.receiptId)!;
    const replacement = receipts.find((r) => r.id === corrected.receiptId)!;
    expect(original).toMatchObject({ kind: "RECEIPT", amountMinor: 300_000 });
    expect(cancellation).toMatchObject({ kind: "CANCELLATION", amountMinor: 300_000, seq: original.seq + 1 });
    expect(replacement).toMatchObject({ kind: "RECEIPT", amountMinor: 30_000, seq: original.seq + 2 });
    await expect(
      correctReceipt(club.actors.TREASURER, { receiptId: gift.receiptId, currency: "KES", amount: "30", reason: "again" }),
    ).rejects.toMatchObject({ code: "INVALID", message: "This receipt is already cancelled." });
    const ledger = await withTenant(club.id, (tx) => tx.payment.findMany({ where: { donationId: gift.donationId }, select: { amountMinor: true } }));
    expect(ledger).toEqual([{ amountMinor: 30_000 }]);
    // A member who may not write donations is refused as if the receipt did not exist.
    await expect(correctReceipt(club.actors.MEMBER, { receiptId: corrected.receiptId, currency: "KES", amount: "1", reason: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("[P4] the receipt PDF opens and holds its number, the donor and the amount", async () => {
    const gift = await cash(club, { name: "Otieno Odhiambo", amount: "12,345.50", fund: "School fees" });
    const document = await receiptDocument(club.actors.TREASURER, gift.receiptId);
    const bytes = await receiptPdf(document);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = await pdfText(bytes);
    expect(text).toContain(gift.receiptNumber);
    // Intl puts a no-break space after the currency; the PDF's text layer reads it as a space.
    expect(text).toContain(formatMoney(1_234_550, "KES").replace(/\s/g, " "));
    expect(text).toContain("Otieno Odhiambo");
    expect(text).toContain("School fees");
  });

  test("[P4] a receipt link works for its own receipt only: a tampered, foreign or expired link is not found", async () => {
    const gift = await cash(club);
    const secret = env().AUTH_SECRET;
    const token = await signReceiptLink({ organizationId: club.id, receiptId: gift.receiptId }, { secret });
    expect((await receiptDocumentByLink(club.id, token)).number).toBe(gift.receiptNumber);
    const [head, payload, signature] = token.split(".");
    const flipped = `${head}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith("AA") ? "BB" : "AA"}`;
    await expect(receiptDocumentByLink(club.id, flipped)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(receiptDocumentByLink(other.id, token)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const expired = await signReceiptLink({ organizationId: club.id, receiptId: gift.receiptId }, { secret, ttlSeconds: 1, now: new Date(Date.now() - 10_000) });
    await expect(receiptDocumentByLink(club.id, expired)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("donations and donors", () => {
  test("[P4] a returning donor is found by email or phone through the blind index and reused", async () => {
    const first = await cash(club, { name: "Akinyi Njeri", email: "Akinyi@Example.org", phone: "+254 711 000 111" });
    const byEmail = await cash(club, { name: "A. Njeri", email: "akinyi@example.org", method: "BANK", reference: "TRX-1" });
    const byPhone = await cash(club, { name: "Akinyi", phone: "0711000111", method: "IN_KIND", description: "20 bags of cement" });
    expect(byEmail.donorId).toBe(first.donorId);
    expect(byPhone.donorId).toBe(first.donorId);
    const donor = await donorDetail(club.actors.TREASURER, first.donorId);
    expect(donor).toMatchObject({ name: "Akinyi Njeri", email: "akinyi@example.org", phone: "+254711000111" });
    expect(donor.donations).toHaveLength(3);
    const stored = await owner.query("SELECT name, email, phone FROM donor WHERE id = $1", [first.donorId]);
    expect(JSON.stringify(stored.rows)).not.toMatch(/akinyi|711000111/i);
    // Another club's donor with the same email is another donor.
    const elsewhere = await cash(other, { name: "Akinyi Njeri", email: "akinyi@example.org" });
    expect(elsewhere.donorId).not.toBe(first.donorId);
    const ledger = await withTenant(club.id, (tx) => tx.payment.findMany({ where: { donationId: { in: [first.donationId, byEmail.donationId, byPhone.donationId] } }, select: { method: true, status: true } }));
    expect(ledger.sort((a, b) => a.method.localeCompare(b.method))).toEqual([
      { method: "BANK", status: "SUCCEEDED" },
      { method: "CASH", status: "SUCCEEDED" },
    ]);
  });

  test("[P4] a visitor's M-Pesa gift on the public page is received with its receipt and emailed; the same form twice is one donation", async () => {
    const visitor = { organizationId: club.id, ip: "203.0.113.9", origin: `http://${club.slug}.localhost:${server.port}` };
    const email = `giver-${randomBytes(3).toString("hex")}@example.org`;
    const form = { name: "Mwangi Giver", email, phone: "0712345678", amount: "500", fund: "Borehole", idempotencyKey: randomUUID() };
    const [a, b] = await Promise.allSettled([giveByMpesa(visitor, form), giveByMpesa(visitor, form)]);
    const started = [a, b].flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(started.length).toBeGreaterThanOrEqual(1);
    const donations = await withTenant(club.id, (tx) => tx.donation.findMany({ where: { idempotencyKey: form.idempotencyKey }, select: { id: true, status: true, payments: { select: { id: true } } } }));
    expect(donations).toHaveLength(1);
    expect(donations[0]!.payments).toHaveLength(1);
    await vi.waitFor(
      async () => {
        const d = await withTenant(club.id, (tx) => tx.donation.findUniqueOrThrow({ where: { id: donations[0]!.id }, select: { status: true, receipts: { select: { number: true } } } }));
        expect(d.status).toBe("RECEIVED");
        expect(d.receipts).toHaveLength(1);
      },
      { timeout: 30_000, interval: 100 },
    );
    // Submitting the same form again afterwards starts nothing new: it answers with the settled payment.
    expect((await giveByMpesa(visitor, form)).paymentId).toBe(donations[0]!.payments[0]!.id);
    const outbox = await owner.query<{ subject: string; text: string }>("SELECT subject, text FROM email_outbox WHERE \"to\" = $1", [email]);
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0]!.text).toMatch(new RegExp(`/receipts/[A-Za-z0-9_.-]+`));
  });

  test("[P4] the public form refuses a bad amount or phone beside the field and records nothing", async () => {
    const visitor = { organizationId: club.id, ip: "203.0.113.10", origin: "http://x.localhost" };
    const key = randomUUID();
    await expect(giveByMpesa(visitor, { name: "X", phone: "12", amount: "500", idempotencyKey: key })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { phone: ["Enter a Safaricom number, e.g. 0712 345 678"] },
    });
    await expect(giveByMpesa(visitor, { name: "X", phone: "0712345678", amount: "abc", idempotencyKey: key })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { amount: ["Enter an amount in KES, e.g. 5,000"] },
    });
    await expect(giveByMpesa(visitor, { name: "", phone: "0712345678", amount: "10.50", idempotencyKey: key })).rejects.toMatchObject({
      code: "INVALID",
      fieldErrors: { name: [expect.any(String)] },
    });
    expect(await withTenant(club.id, (tx) => tx.donation.count({ where: { idempotencyKey: key } }))).toBe(0);
  });

  test("donationsPerMonth sums received gifts per month of the books in one query", async () => {
    const fresh = await createTestOrganization("months");
    await cash(fresh, { amount: "100", receivedOn: `${year}-01-15` });
    await cash(fresh, { amount: "250", receivedOn: `${year}-01-20` });
    await cash(fresh, { amount: "40", receivedOn: `${year}-02-02` });
    const months = await donationsPerMonth(fresh.actors.TREASURER, `${year}-01-01`, `${year + 1}-01-01`);
    expect(months).toEqual([
      { month: `${year}-01`, currency: "KES", amountMinor: 35_000, count: 2 },
      { month: `${year}-02`, currency: "KES", amountMinor: 4_000, count: 1 },
    ]);
    await expect(donationsPerMonth(fresh.actors.MEMBER, "1970-01-01", "2100-01-01")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
