import type Stripe from "stripe";
import { systemActor, type Actor } from "../lib/authz/actor";
import { withTenant } from "../lib/db/tenant";
import { addDays, calendarDateOf, type CalendarDate } from "../lib/dues/calendar-date";
import { nextPeriod, periodContaining, type DuesPeriod, type DuesPeriodKind } from "../lib/dues/periods";
import { ISSUE_LEAD_DAYS } from "../lib/jobs/dues-invoices";
import { receiveStripeEvent } from "../lib/services/card-settlements";
import { issueInvoice, issuePeriod, voidInvoice } from "../lib/services/dues";
import { createPlan, enrolMember } from "../lib/services/dues-plans";
import { linkMemberLogin } from "../lib/services/members";
import { requestMpesaPayment, settleMpesaCallback } from "../lib/services/mpesa-payments";
import { recordPayment } from "../lib/services/payments";

/**
 * A club's dues for the demo, through the services the app uses: three plans
 * (an individual annual plan, a quarterly family bundle, a half-yearly
 * corporate bundle), last Rotary year's and this one's invoices, and payments
 * by bank, cash, card (a Stripe event through the webhook's settlement
 * service) and M-Pesa (an STK request settled by its callback). Periods count
 * back from today, so every invoice state is on show whenever the demo is
 * seeded: paid, partly paid, open, overdue, lapsed, void and draft. Each plan
 * is already invoiced for the period the daily invoicing job would issue
 * (lib/jobs/dues-invoices.ts), so the demo's figures stay as seeded.
 *
 * Member n of the club's 30: 0–19 on the individual plan; 20, 23 and 26 pay
 * for families (21–22, 24–25, 27); 28 pays the corporate plan for 29. The
 * login member@<slug>.test is member 20, whose "My dues" shows paid, partly
 * paid and open invoices.
 */
export type DuesAmounts = { individual: number; family: number; corporate: number };

/** KES (whole shillings, which M-Pesa needs) per period. */
export const DEMO_DUES: Partial<Record<string, DuesAmounts>> = {
  kilimani: { individual: 12_000, family: 5_000, corporate: 60_000 },
  westlands: { individual: 10_000, family: 4_500, corporate: 50_000 },
};

type Method = "BANK" | "MPESA" | "CARD" | "CASH";
const METHODS: readonly Method[] = ["BANK", "MPESA", "CARD", "CASH"];

type Club = { slug: string; owner: Actor; treasurer: Actor; memberIds: string[]; loginUserId: string; loginMember: Actor };

const previous = (kind: DuesPeriodKind, period: DuesPeriod) => periodContaining(kind, addDays(period.start, -1));
/** `count` periods of a kind ending with the one containing `date`, oldest first. */
function periodsBackFrom(kind: DuesPeriodKind, date: CalendarDate, count: number): DuesPeriod[] {
  const periods = [periodContaining(kind, date)];
  while (periods.length < count) periods.unshift(previous(kind, periods[0]));
  return periods;
}
const earlier = (a: CalendarDate, b: CalendarDate) => (a < b ? a : b);
const shillings = (amountMinor: number) => String(amountMinor / 100);
/** Noon in Nairobi on `day`, in Stripe's seconds. */
const nairobiNoon = (day: CalendarDate) => Date.parse(`${day}T09:00:00Z`) / 1000;

/** Pays invoices the way each method really arrives: by hand, through Stripe's settlement, or through M-Pesa's callback. */
function payer(club: Club) {
  const organizationId = club.treasurer.organizationId;
  // Whoever opens a pay link holds dues:own for that invoice; member 20 pays from their own login.
  const payLinkVisitor = systemActor(organizationId, "pay link", ["dues:own"]);
  let n = 0;
  return async (invoice: { id: string; memberId: string }, amountMinor: number, method: Method, paidOn: CalendarDate) => {
    n += 1;
    const ref = `${club.slug.slice(0, 3).toUpperCase()}${String(n).padStart(4, "0")}`;
    if (method === "CASH" || method === "BANK") {
      const reference = method === "CASH" ? `RCPT-${ref}` : `EFT-${ref}`;
      await recordPayment(club.treasurer, { invoiceId: invoice.id, method, amount: shillings(amountMinor), reference, paidOn });
    } else if (method === "CARD") {
      const session = {
        id: `cs_test_seed${ref}`,
        object: "checkout.session",
        payment_intent: `pi_seed${ref}`,
        payment_status: "paid",
        amount_total: amountMinor,
        currency: "kes",
        metadata: { organizationId, invoiceId: invoice.id },
      };
      const event = { id: `evt_seed${ref}`, object: "event", type: "checkout.session.completed", created: nairobiNoon(paidOn), livemode: false, data: { object: session } };
      const outcome = await receiveStripeEvent(organizationId, event as unknown as Stripe.Event);
      if (outcome !== "applied") throw new Error(`seed card payment ${ref} was ${outcome}`);
    } else {
      const phone = `+2547${String(12_000_000 + n * 7_919).slice(0, 8)}`;
      const checkoutRequestId = `ws_CO_seed_${ref}`;
      const actor = invoice.memberId === club.memberIds[20] ? club.loginMember : payLinkVisitor;
      await requestMpesaPayment(actor, { invoiceId: invoice.id, checkoutRequestId, amountMinor, phone });
      const items = [
        { Name: "Amount", Value: amountMinor / 100 },
        { Name: "MpesaReceiptNumber", Value: `S${ref}MP` },
        { Name: "TransactionDate", Value: Number(`${paidOn.replaceAll("-", "")}120000`) },
        { Name: "PhoneNumber", Value: Number(phone.slice(1)) },
      ];
      const body = { Body: { stkCallback: { MerchantRequestID: `seed-${ref}`, CheckoutRequestID: checkoutRequestId, ResultCode: 0, ResultDesc: "The service request is processed successfully.", CallbackMetadata: { Item: items } } } };
      const outcome = await settleMpesaCallback(organizationId, body);
      if (outcome !== "paid") throw new Error(`seed M-Pesa payment ${ref} was ${outcome}`);
    }
  };
}

export async function seedDues(club: Club, amounts: DuesAmounts): Promise<void> {
  const today = calendarDateOf(new Date(), "Africa/Nairobi");
  const { treasurer, memberIds: m } = club;
  const organizationId = treasurer.organizationId;
  const pay = payer(club);
  // The latest day a payment may carry: today in UTC, which is never ahead of Nairobi's today (a manual payment's date may not be in the future).
  const latest = calendarDateOf(new Date());
  const invoicesOf = async (planId: string) => {
    const rows = await withTenant(organizationId, (tx) => tx.duesInvoice.findMany({ where: { planId }, select: { id: true, memberId: true, period: true, amountMinor: true } }));
    return (memberId: string, period: DuesPeriod) => rows.find((r) => r.memberId === memberId && r.period === period.key)!;
  };
  const plan = (name: string, level: "INDIVIDUAL" | "FAMILY" | "CORPORATE", amount: number, periodKind: DuesPeriodKind, graceDays: number) =>
    createPlan(treasurer, { name, level, currency: "KES", amount: String(amount), periodKind, dueDays: 30, graceDays });

  // Individual, annual: last Rotary year mostly paid (some lapsed, one void), this year a third paid, a fifth part paid.
  const individual = await plan("Individual annual", "INDIVIDUAL", amounts.individual, "ANNUAL", 180);
  for (const memberId of m.slice(0, 20)) await enrolMember(treasurer, { memberId, planId: individual.id });
  // The year the invoicing job issues (the next one from June) and the one before it.
  const [lastYear, thisYear] = periodsBackFrom("ANNUAL", addDays(today, ISSUE_LEAD_DAYS), 2);
  for (const year of [lastYear, thisYear]) await issuePeriod(treasurer, { planId: individual.id, period: year.key });
  const annual = await invoicesOf(individual.id);
  const full = amounts.individual * 100;
  for (let i = 0; i < 20; i++) {
    const paidLastYear = addDays(lastYear.start, 20 + i);
    if (i < 16) await pay(annual(m[i], lastYear), full, METHODS[i % 4], paidLastYear);
    if (i === 16) await pay(annual(m[i], lastYear), full / 2, "CASH", paidLastYear);
    if (i === 19) await voidInvoice(treasurer, { invoiceId: annual(m[i], lastYear).id, reason: "Joined after the year's invoices were issued" });
    const paidThisYear = earlier(latest, addDays(thisYear.start, 15 + i));
    if (i < 8) await pay(annual(m[i], thisYear), full, METHODS[(i + 1) % 4], paidThisYear);
    else if (i < 12) await pay(annual(m[i], thisYear), full / 2, METHODS[i % 4], paidThisYear);
  }

  // Family bundles, quarterly, from four quarters back to the next one (issued ahead, as the invoicing job does).
  const family = await plan("Family bundle", "FAMILY", amounts.family, "QUARTERLY", 180);
  const [a, b, c] = [m[20], m[23], m[26]];
  for (const [payerId, dependants] of [[a, [m[21], m[22]]], [b, [m[24], m[25]]], [c, [m[27]]]] as const) {
    await enrolMember(treasurer, { memberId: payerId, planId: family.id });
    for (const memberId of dependants) await enrolMember(treasurer, { memberId, planId: family.id, payerId });
  }
  const quarters = [...periodsBackFrom("QUARTERLY", today, 5), nextPeriod("QUARTERLY", today)];
  const next = quarters[5];
  await issueInvoice(treasurer, { memberId: c, planId: family.id, period: next.key, draft: true });
  for (const quarter of quarters) await issuePeriod(treasurer, { planId: family.id, period: quarter.key });
  const bundle = await invoicesOf(family.id);
  const quarterly = amounts.family * 100;
  const paidIn = (quarter: DuesPeriod) => earlier(latest, addDays(quarter.start, 10));
  const [q4, q3, q2, q1, q0] = quarters;
  // Member 20 (the demo login): paid up, this quarter part paid, the next one open.
  for (const [quarter, method] of [[q4, "CARD"], [q3, "MPESA"], [q2, "BANK"], [q1, "CASH"]] as const) await pay(bundle(a, quarter), quarterly, method, paidIn(quarter));
  await pay(bundle(a, q0), quarterly / 2, "MPESA", paidIn(q0));
  // Member 23: a lapsed quarter, an overdue one, and the next one part paid ahead.
  for (const [quarter, method] of [[q3, "MPESA"], [q2, "CARD"], [q0, "BANK"]] as const) await pay(bundle(b, quarter), quarterly, method, paidIn(quarter));
  await pay(bundle(b, next), quarterly / 2, "CASH", latest);
  // Member 26: a void quarter, paid since, this quarter unpaid, the next one still a draft.
  await voidInvoice(treasurer, { invoiceId: bundle(c, q4).id, reason: "Issued before the family's bundle was agreed" });
  for (const [quarter, method] of [[q3, "CASH"], [q2, "MPESA"], [q1, "CARD"]] as const) await pay(bundle(c, quarter), quarterly, method, paidIn(quarter));

  // A corporate bundle, half-yearly: the last half and this one paid, the next one part paid ahead.
  const corporate = await plan("Corporate", "CORPORATE", amounts.corporate, "SEMI_ANNUAL", 90);
  await enrolMember(treasurer, { memberId: m[28], planId: corporate.id });
  await enrolMember(treasurer, { memberId: m[29], planId: corporate.id, payerId: m[28] });
  const halves = [...periodsBackFrom("SEMI_ANNUAL", today, 2), nextPeriod("SEMI_ANNUAL", today)];
  for (const half of halves) await issuePeriod(treasurer, { planId: corporate.id, period: half.key });
  const company = await invoicesOf(corporate.id);
  const halfYearly = amounts.corporate * 100;
  await pay(company(m[28], halves[0]), halfYearly, "BANK", paidIn(halves[0]));
  await pay(company(m[28], halves[1]), halfYearly, "CARD", paidIn(halves[1]));
  await pay(company(m[28], halves[2]), halfYearly / 2, "BANK", paidIn(halves[2]));

  await linkMemberLogin(club.owner, { memberId: a, userId: club.loginUserId });
}
