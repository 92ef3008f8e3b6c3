import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { withTenant } from "@/lib/db/tenant";
import { signPayLink } from "@/lib/dues/pay-link";
import { memberDues } from "@/lib/queries/member-dues";
import { linkPaymentProgress, memberPaymentProgress } from "@/lib/queries/payment-progress";
import { voidInvoice } from "@/lib/services/dues";
import { payByCard, payByMpesa, payLinkByCard, payLinkByMpesa, type PayLinkVisitor } from "@/lib/services/invoice-payments";
import { linkMemberLogin } from "@/lib/services/members";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { recordPayment } from "@/lib/services/payments";
import { demoPaymentCredentials } from "@/prisma/demo-payments";
import { startDarajaStandIn } from "@/scripts/lib/daraja-stand-in";
import { startStripeFake } from "@/scripts/lib/stripe-fake";
import { createTestInvoice } from "./support/dues";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

/**
 * Who may pay which invoice, through both doors (My dues, a pay link), with
 * the real Stripe and Daraja clients against their local stand-ins. The
 * stand-in's callbacks are held back: settling is the webhooks' part.
 */
const stripe = await startStripeFake();
const daraja = await startDarajaStandIn({ callbackDelayMs: 600_000 });
process.env.STRIPE_API_BASE = stripe.url;
process.env.DARAJA_BASE_URL = daraja.url;

const ORIGIN = "http://club.localhost:3000";
const PHONE = "0712 345 678";
let club: TestOrganization;
let other: TestOrganization;

async function withProviders(org: TestOrganization) {
  const { stripe: card, daraja: mpesa } = demoPaymentCredentials(process.env.AUTH_SECRET!, org.slug);
  await setPaymentCredential(org.actors.OWNER, card);
  await setPaymentCredential(org.actors.OWNER, mpesa);
}

let linkedMemberId: string | null = null;

/** An open invoice addressed to the club's MEMBER login: a new member record, linked to it in place of the last one. */
async function ownInvoice(amount = "1500") {
  const arranged = await createTestInvoice(club, { amount });
  if (linkedMemberId) await linkMemberLogin(club.actors.ADMIN, { memberId: linkedMemberId, userId: "" });
  await linkMemberLogin(club.actors.ADMIN, { memberId: arranged.member.id, userId: club.actors.MEMBER.userId! });
  linkedMemberId = arranged.member.id;
  return arranged;
}

const member = () => ({ actor: club.actors.MEMBER, origin: ORIGIN });
const visitor = (ip = "198.51.100.20"): PayLinkVisitor => ({ organizationId: club.id, ip, origin: ORIGIN });
const link = (invoiceId: string, options: { ttlSeconds?: number; now?: Date; organizationId?: string } = {}) =>
  signPayLink({ organizationId: options.organizationId ?? club.id, invoiceId }, { secret: process.env.AUTH_SECRET!, ...options });
const paymentsOf = (orgId: string, invoiceId: string) => withTenant(orgId, (tx) => tx.payment.findMany({ where: { invoiceId } }));

beforeAll(async () => {
  club = await createTestOrganization("pay");
  other = await createTestOrganization("pay-other");
  await withProviders(club);
  await withProviders(other);
});
afterAll(async () => {
  await Promise.all([stripe.stop(), daraja.stop()]);
  await disconnectAll();
});

describe("[P3] a member pays their own invoice from My dues", () => {
  test("by card: a Checkout Session on the club's account for the balance, returning to My dues", async () => {
    const { invoice } = await ownInvoice("1500");
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "CASH", amount: "500", reference: "C-P3-1", paidOn: "2026-11-01" });
    const { url } = await payByCard(member(), { invoiceId: invoice.id });
    const session = stripe.sessions().at(-1)!.session;
    expect(url).toBe(session.url);
    expect(session).toMatchObject({ amount_total: 100_000, currency: "kes", success_url: `${ORIGIN}/my-dues?card=paid`, cancel_url: `${ORIGIN}/my-dues?card=cancelled` });
    expect(session.metadata).toMatchObject({ organizationId: club.id, invoiceId: invoice.id });
  });

  test("by M-Pesa: an STK push of the balance to their phone, a pending ledger row, and a progress read that says waiting", async () => {
    const { invoice } = await ownInvoice("2000");
    const started = await payByMpesa(member(), { invoiceId: invoice.id, phone: PHONE });
    const push = daraja.pushes().at(-1)!;
    expect(push.body).toMatchObject({ Amount: 2000, PhoneNumber: "254712345678" });
    expect(String(push.body.CallBackURL)).toMatch(new RegExp(`^${ORIGIN}/api/webhooks/mpesa/`));
    expect(await paymentsOf(club.id, invoice.id)).toEqual([expect.objectContaining({ id: started.paymentId, status: "PENDING", method: "MPESA", amountMinor: 200_000, reference: push.checkoutRequestId })]);
    expect(await memberPaymentProgress(club.actors.MEMBER, invoice.id, { payment: started.paymentId })).toEqual({ state: "waiting", message: null });
  });

  test("a phone that is not a Safaricom number is refused beside the field, before any push", async () => {
    const { invoice } = await ownInvoice();
    const pushes = daraja.pushes().length;
    await expect(payByMpesa(member(), { invoiceId: invoice.id, phone: "12345" })).rejects.toMatchObject({ code: "INVALID", fieldErrors: { phone: [expect.stringContaining("Safaricom")] } });
    expect(daraja.pushes()).toHaveLength(pushes);
    expect(await paymentsOf(club.id, invoice.id)).toEqual([]);
  });

  test("My dues shows the member's own invoices with the ledger's balance and state, and their payment history", async () => {
    const { invoice } = await ownInvoice("3000");
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "BANK", amount: "1000", reference: "EQ-P3-2", paidOn: "2026-11-02" });
    const dues = await memberDues(club.actors.MEMBER, new Date("2026-09-01T09:00:00Z"));
    expect(dues.invoices).toEqual([expect.objectContaining({ id: invoice.id, amountMinor: 300_000, paidMinor: 100_000, balanceMinor: 200_000, state: "overdue", payable: true })]);
    expect(dues.payments).toEqual([expect.objectContaining({ invoiceId: invoice.id, method: "BANK", status: "SUCCEEDED", amountMinor: 100_000 })]);
    // Someone whose login has no member record sees none; a role without dues:own does not reach the page.
    expect(await memberDues(club.actors.TREASURER)).toEqual({ memberName: null, invoices: [], payments: [] });
    await expect(memberDues(club.actors.VIEWER)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("[M4.4] nobody pays, or reads the progress of, an invoice that is not theirs", () => {
  test("another member's invoice and another club's are not found, and nothing is pushed, opened or written", async () => {
    const { invoice: theirs } = await createTestInvoice(club);
    const { invoice: foreign } = await createTestInvoice(other);
    await ownInvoice();
    const [pushes, sessions] = [daraja.pushes().length, stripe.sessions().length];
    for (const invoiceId of [theirs.id, foreign.id, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      await expect(payByCard(member(), { invoiceId })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(payByMpesa(member(), { invoiceId, phone: PHONE })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(memberPaymentProgress(club.actors.MEMBER, invoiceId, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // Without dues:own (a viewer, a program manager) not even one's own club's invoice is reachable.
    for (const actor of [club.actors.VIEWER, club.actors.PROGRAM_MANAGER]) {
      await expect(payByCard({ actor, origin: ORIGIN }, { invoiceId: theirs.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect([daraja.pushes().length, stripe.sessions().length]).toEqual([pushes, sessions]);
    expect(await paymentsOf(club.id, theirs.id)).toEqual([]);
  });

  test("a treasurer (dues:collect) may take a card payment on any member's invoice", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "700" });
    await expect(payByCard({ actor: club.actors.TREASURER, origin: ORIGIN }, { invoiceId: invoice.id })).resolves.toMatchObject({ url: expect.stringContaining("/pay/cs_test_") });
  });

  test("a paid or void invoice is refused with the reason, by either door", async () => {
    const { invoice: paid } = await ownInvoice("800");
    await recordPayment(club.actors.TREASURER, { invoiceId: paid.id, method: "CASH", amount: "800", reference: "C-P3-3", paidOn: "2026-11-01" });
    await expect(payByCard(member(), { invoiceId: paid.id })).rejects.toMatchObject({ code: "INVALID", message: "This invoice is paid in full." });
    await expect(payLinkByMpesa(visitor(), { token: await link(paid.id), phone: PHONE })).rejects.toMatchObject({ code: "INVALID", message: "This invoice is paid in full." });
    const { invoice: voided } = await ownInvoice();
    await voidInvoice(club.actors.TREASURER, { invoiceId: voided.id, reason: "Joined mid-year" });
    await expect(payByMpesa(member(), { invoiceId: voided.id, phone: PHONE })).rejects.toMatchObject({ code: "INVALID", message: "This invoice was cancelled." });
    await expect(payLinkByCard(visitor(), { token: await link(voided.id) })).rejects.toMatchObject({ code: "INVALID", message: "This invoice was cancelled." });
  });
});

describe("[P3] a pay link pays its one invoice without a login", () => {
  test("M-Pesa by link: the push is for that invoice, recorded by the pay-link actor from the visitor's address", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "1200" });
    const token = await link(invoice.id);
    const started = await payLinkByMpesa(visitor("198.51.100.21"), { token, phone: PHONE });
    expect(await paymentsOf(club.id, invoice.id)).toEqual([expect.objectContaining({ id: started.paymentId, status: "PENDING", amountMinor: 120_000 })]);
    const entry = await withTenant(club.id, (tx) => tx.auditEntry.findFirst({ where: { action: "payment.mpesa_requested", targetId: invoice.id } }));
    expect(entry).toMatchObject({ actorId: null, actorLabel: "pay link", ip: "198.51.100.21" });
    expect(await linkPaymentProgress(club.id, token, { payment: started.paymentId })).toEqual({ state: "waiting", message: null });
  });

  test("card by link: Stripe returns to the same link", async () => {
    const { invoice } = await createTestInvoice(club, { amount: "900" });
    const token = await link(invoice.id);
    await payLinkByCard(visitor(), { token });
    expect(stripe.sessions().at(-1)!.session).toMatchObject({ amount_total: 90_000, success_url: `${ORIGIN}/pay/${token}?card=paid` });
  });

  test("an expired, altered or another club's link is refused with a plain message, and changes nothing", async () => {
    const { invoice } = await createTestInvoice(club);
    const expired = await link(invoice.id, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const valid = await link(invoice.id);
    const altered = `${valid.slice(0, -2)}${valid.endsWith("AA") ? "BB" : "AA"}`;
    const foreign = await link(invoice.id, { organizationId: other.id });
    const sessions = stripe.sessions().length;
    await expect(payLinkByCard(visitor(), { token: expired })).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("expired") });
    for (const token of [altered, foreign, "", "x".repeat(5000)]) {
      await expect(payLinkByMpesa(visitor(), { token, phone: PHONE })).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("not valid") });
    }
    for (const token of [expired, altered, foreign]) await expect(linkPaymentProgress(club.id, token, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(stripe.sessions()).toHaveLength(sessions);
    expect(await paymentsOf(club.id, invoice.id)).toEqual([]);
  });

  test("a link reads only its own invoice's payments", async () => {
    const { invoice: mine } = await createTestInvoice(club);
    const { invoice: theirs } = await createTestInvoice(club);
    const theirPayment = await payLinkByMpesa(visitor(), { token: await link(theirs.id), phone: PHONE });
    expect(await linkPaymentProgress(club.id, await link(mine.id), { payment: theirPayment.paymentId })).toEqual({ state: "none", message: null });
  });

  test("pay-link attempts are limited per IP (RATE_LIMIT_PAY_LINK, 20 per 10 minutes by default); another address is unaffected", async () => {
    const { invoice } = await createTestInvoice(club);
    const token = await link(invoice.id);
    const attempts = await Promise.allSettled(Array.from({ length: 21 }, () => payLinkByMpesa(visitor("198.51.100.99"), { token, phone: "bad" })));
    const refusals = attempts.map((a) => (a.status === "rejected" ? (a.reason as { code: string }).code : "ok"));
    expect(refusals.filter((c) => c === "RATE_LIMITED")).toHaveLength(1);
    expect(refusals.filter((c) => c === "INVALID")).toHaveLength(20);
    await expect(payLinkByMpesa(visitor("198.51.100.98"), { token, phone: "bad" })).rejects.toMatchObject({ code: "INVALID" });
  });
});
