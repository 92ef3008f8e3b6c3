import { systemActor, type Actor } from "../authz/actor";
import { AppError, invalidError, notFoundError } from "../errors";
import { logEvent } from "../log";
import { payableInvoiceByLink, payableInvoiceForMember, type PayableInvoice } from "../queries/payable-invoices";
import { consume, retryWording } from "../ratelimit/limits";
import { payInvoiceInput, payLinkInput } from "../schemas/invoice-payments";
import { startCardPayment } from "./card-payments";
import { startMpesaPayment } from "./mpesa-payments";

/**
 * "Pay this invoice" through either door, by card or M-Pesa:
 * - a signed-in member on /my-dues, paying their own invoice (a treasurer may pay any);
 * - anyone holding the invoice's signed pay link on /pay/<token>, signed in or not,
 *   who acts as a system actor holding dues:own for that one invoice, and is
 *   rate-limited per IP (RATE_LIMIT_PAY_LINK).
 * Which invoice may be paid is settled by lib/queries/payable-invoices.ts; the
 * money moves through lib/services/card-payments.ts and mpesa-payments.ts.
 */
export type MemberPayer = { actor: Actor; origin: string };
export type PayLinkVisitor = { organizationId: string; ip: string | null; origin: string };

export type MpesaStarted = { paymentId: string; customerMessage: string };

const LINK_MESSAGES = {
  expired: "This payment link has expired. Ask your club's treasurer for a new one.",
  invalid: "This payment link is not valid. Check that you opened the whole link from your email.",
} as const;

/** An unparseable invoice id looks like a missing invoice (M4.4). */
function invoiceIdOf(raw: unknown): string {
  const parsed = payInvoiceInput.safeParse(raw);
  if (!parsed.success) throw notFoundError();
  return parsed.data.invoiceId;
}

const memberInvoice = (payer: MemberPayer, raw: unknown) => payableInvoiceForMember(payer.actor, invoiceIdOf(raw));

/** Where Stripe sends the payer back: the page they paid from, which says how it went. */
const cardReturn = (page: string) => ({ successUrl: `${page}?card=paid`, cancelUrl: `${page}?card=cancelled` });

/**
 * The member's door is for holders of dues:own: payableInvoiceForMember checks it (or dues:collect,
 * which every role holding it pairs with dues:own). Said here so the route manifest reads it from the code.
 */
const forPayers = <F extends (payer: MemberPayer, raw: unknown) => Promise<unknown>>(service: F) => Object.assign(service, { capability: "dues:own" as const });

export const payByCard = forPayers(async (payer: MemberPayer, raw: unknown): Promise<{ url: string }> =>
  startCardPayment(await memberInvoice(payer, raw), cardReturn(`${payer.origin}/my-dues`)),
);

export const payByMpesa = forPayers(async (payer: MemberPayer, raw: unknown): Promise<MpesaStarted> =>
  startMpesaPayment(payer.actor, await memberInvoice(payer, raw), raw, payer.origin),
);

/** The invoice a pay link names, or a plain refusal that says only expired or not valid. */
export async function linkedInvoice(organizationId: string, token: string): Promise<PayableInvoice> {
  const link = await payableInvoiceByLink(organizationId, token);
  if (!link.ok) throw invalidError(LINK_MESSAGES[link.reason]);
  return link.invoice;
}

/** Counts one payment attempt from this address; refuses past RATE_LIMIT_PAY_LINK. */
async function admitPayLink(visitor: PayLinkVisitor): Promise<void> {
  const outcome = await consume("payLink", visitor.ip ?? "unknown");
  if (outcome.ok) return;
  logEvent("warn", "pay link attempt refused: rate limited", { organizationId: visitor.organizationId });
  throw new AppError("RATE_LIMITED", `Too many payment attempts from here. Please try again ${retryWording(outcome)}.`);
}

async function linkPayment(visitor: PayLinkVisitor, raw: unknown): Promise<{ invoice: PayableInvoice; token: string }> {
  await admitPayLink(visitor);
  const parsed = payLinkInput.safeParse(raw);
  if (!parsed.success) throw invalidError(LINK_MESSAGES.invalid);
  return { invoice: await linkedInvoice(visitor.organizationId, parsed.data.token), token: parsed.data.token };
}

/** The pay-link holder: no login, only dues:own, and only ever handed the invoice its link names. */
export const payLinkPayer = (visitor: PayLinkVisitor, invoice: PayableInvoice): Actor => ({
  ...systemActor(invoice.organizationId, "pay link", ["dues:own"]),
  ip: visitor.ip,
});

export async function payLinkByCard(visitor: PayLinkVisitor, raw: unknown): Promise<{ url: string }> {
  const { invoice, token } = await linkPayment(visitor, raw);
  return startCardPayment(invoice, cardReturn(`${visitor.origin}/pay/${token}`));
}

export async function payLinkByMpesa(visitor: PayLinkVisitor, raw: unknown): Promise<MpesaStarted> {
  const { invoice } = await linkPayment(visitor, raw);
  return startMpesaPayment(payLinkPayer(visitor, invoice), invoice, raw, visitor.origin);
}
