import { afterCommit, defineMutation } from "./mutation";
import { receiptNumber } from "../donations/receipt-number";
import { signReceiptLink } from "../donations/receipt-link";
import { takeReceiptSeq } from "../db/receipt-counter";
import type { TenantTx } from "../db/tenant";
import { sendEmail } from "../email/send";
import { DonorReceiptEmail, donorReceiptSubject, donorReceiptText } from "../email/templates/donor-receipt";
import { env } from "../env";
import { invalidError, notFoundError } from "../errors";
import { logError } from "../log";
import { receiptForEmail } from "../queries/donations";
import { correctReceiptInput } from "../schemas/donations";
import { organizationOrigin } from "../tenancy/origin";

/**
 * Donor receipts (B3.3). A receipt is issued in the transaction that
 * receives the donation, numbered from the organisation's counter row for
 * the year (lib/db/receipt-counter.ts): no gap, no duplicate, and a rollback
 * gives the number back. Once issued it is locked by the database (trigger
 * `donor_receipt_locked`); a correction is a CANCELLATION receipt plus a new
 * RECEIPT, each with its own number.
 */
export type IssuedReceipt = { id: string; number: string };

async function issue(
  tx: TenantTx,
  organizationId: string,
  donation: { id: string; donorId: string; amountMinor: number; currency: string; fund: string | null },
  issuedById: string | null,
  cancels: { id: string } | null = null,
): Promise<IssuedReceipt> {
  const organization = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { slug: true } });
  const issuedAt = new Date();
  const year = issuedAt.getUTCFullYear();
  const seq = await takeReceiptSeq(tx, organizationId, year);
  return tx.donorReceipt.create({
    data: {
      organizationId,
      donationId: donation.id,
      donorId: donation.donorId,
      kind: cancels ? "CANCELLATION" : "RECEIPT",
      cancelsReceiptId: cancels?.id ?? null,
      number: receiptNumber(organization.slug, year, seq),
      year,
      seq,
      amountMinor: donation.amountMinor,
      currency: donation.currency,
      fund: donation.fund,
      issuedAt,
      issuedById,
    },
    select: { id: true, number: true },
  });
}

const DONATION_FIELDS = { id: true, donorId: true, amountMinor: true, currency: true, fund: true, status: true, method: true } as const;

/** The receipt for a donation received in this transaction. */
export async function issueReceipt(tx: TenantTx, organizationId: string, donationId: string, issuedById: string | null): Promise<IssuedReceipt> {
  const donation = await tx.donation.findFirst({ where: { id: donationId, organizationId, status: "RECEIVED" }, select: DONATION_FIELDS });
  if (!donation) throw notFoundError();
  return issue(tx, organizationId, donation, issuedById);
}

/**
 * A donation's provider payment settled (M-Pesa's callback or status query):
 * received with its receipt, or failed. Called inside the settlement's transaction.
 */
export async function settleDonation(tx: TenantTx, organizationId: string, donationId: string, paid: { paidAt: Date } | null) {
  const { count } = await tx.donation.updateMany({
    // A failure ends only a gift still waiting: one received or refunded keeps its state.
    where: { id: donationId, organizationId, status: paid ? { not: "RECEIVED" } : "PENDING" },
    data: paid ? { status: "RECEIVED", receivedAt: paid.paidAt } : { status: "FAILED" },
  });
  if (count === 0 || !paid) return { status: paid ? "RECEIVED" : "FAILED", receipt: null };
  return { status: "RECEIVED", receipt: await issueReceipt(tx, organizationId, donationId, null) };
}

/**
 * A received gift its provider refunded, in part or in whole, inside the
 * refund's transaction: its current receipt is cancelled by a CANCELLATION
 * receipt; the gift then keeps `keptMinor` under a new RECEIPT, or, with
 * nothing kept, is REFUNDED and no longer counts as received money. A gift
 * still keeping at least its amount (a second payment refunded) is left as it
 * is. Returns what changed, or null.
 */
export async function refundDonation(tx: TenantTx, organizationId: string, donationId: string, keptMinor: number) {
  const donation = await tx.donation.findFirst({ where: { id: donationId, organizationId, status: "RECEIVED" }, select: DONATION_FIELDS });
  if (!donation || keptMinor >= donation.amountMinor) return null;
  const current = await tx.donorReceipt.findFirst({ where: { organizationId, donationId, kind: "RECEIPT", cancelledBy: null }, select: { id: true, number: true } });
  const cancellation = current ? await issue(tx, organizationId, donation, null, current) : null;
  const kept = keptMinor > 0;
  const after = await tx.donation.update({ where: { id: donation.id, organizationId }, data: kept ? { amountMinor: keptMinor } : { status: "REFUNDED" }, select: DONATION_FIELDS });
  const receipt = kept ? await issue(tx, organizationId, after, null) : null;
  return { status: after.status, amountMinor: after.amountMinor, cancelled: current, cancellation, receipt };
}

/**
 * A wrong receipt corrected: the receipt is cancelled by a CANCELLATION
 * receipt, the donation takes the corrected amount and fund, and a new
 * RECEIPT is issued. Money a provider took keeps its amount (the ledger
 * holds what M-Pesa or Stripe paid): only its fund may change. A cash or
 * bank gift's ledger row follows the corrected amount.
 */
export const recordReceiptCorrection = defineMutation({
  action: "donor_receipt.correct",
  capability: "donations:write",
  input: correctReceiptInput,
  run: async (tx, input, actor) => {
    const organizationId = actor.organizationId;
    const receipt = await tx.donorReceipt.findFirst({
      where: { id: input.receiptId, organizationId, kind: "RECEIPT" },
      select: { id: true, number: true, donationId: true, cancelledBy: { select: { id: true } } },
    });
    if (!receipt) throw notFoundError();
    if (receipt.cancelledBy) throw invalidError("This receipt is already cancelled.");
    const donation = await tx.donation.findFirstOrThrow({ where: { id: receipt.donationId, organizationId }, select: DONATION_FIELDS });
    const byProvider = donation.method === "CARD" || donation.method === "MPESA";
    if (byProvider && (input.amountMinor !== donation.amountMinor || input.currency !== donation.currency)) {
      throw invalidError("The amount is what the provider paid; only the fund can be corrected.", { amount: ["Keep the amount the provider paid"] });
    }
    const cancellation = await issue(tx, organizationId, donation, actor.userId, { id: receipt.id });
    const corrected = await tx.donation.update({
      where: { id: donation.id, organizationId },
      data: { amountMinor: input.amountMinor, currency: input.currency, fund: input.fund ?? null },
      select: DONATION_FIELDS,
    });
    if (!byProvider) {
      await tx.payment.updateMany({ where: { organizationId, donationId: donation.id, kind: "PAYMENT" }, data: { amountMinor: input.amountMinor, currency: input.currency } });
    }
    const replacement = await issue(tx, organizationId, corrected, actor.userId);
    return {
      result: { organizationId, cancellationId: cancellation.id, receiptId: replacement.id, number: replacement.number },
      audit: {
        summary: `Receipt ${receipt.number} cancelled by ${cancellation.number} and reissued as ${replacement.number}: ${input.reason}`,
        targetType: "Donation",
        targetId: donation.id,
        before: { amountMinor: donation.amountMinor, currency: donation.currency, fund: donation.fund, receipt: receipt.number },
        after: { amountMinor: corrected.amountMinor, currency: corrected.currency, fund: corrected.fund, receipt: replacement.number, cancellation: cancellation.number },
      },
    };
  },
});

/** Corrects a receipt, then emails the donor the cancellation and the new receipt. */
export const correctReceipt = afterCommit(recordReceiptCorrection, async (corrected) => {
  await emailReceipt(corrected.organizationId, corrected.cancellationId);
  await emailReceipt(corrected.organizationId, corrected.receiptId);
  return corrected;
});

/** A signed download link for one receipt on the club's own origin. */
export async function receiptDownloadLink(slug: string, organizationId: string, receiptId: string): Promise<string> {
  const token = await signReceiptLink({ organizationId, receiptId }, { secret: env().AUTH_SECRET });
  return `${organizationOrigin(slug)}/receipts/${token}`;
}

/**
 * Emails an issued receipt to its donor, after commit, with a signed link to
 * the PDF. A donor without an email gets none; a failed send is logged and
 * not retried (the treasurer can download and hand over the PDF).
 */
export async function emailReceipt(organizationId: string, receiptId: string): Promise<void> {
  try {
    const receipt = await receiptForEmail(organizationId, receiptId);
    if (!receipt?.donorEmail) return;
    const props = {
      organizationName: receipt.organizationName,
      donorName: receipt.donorName,
      number: receipt.number,
      amountMinor: receipt.amountMinor,
      currency: receipt.currency,
      cancellation: receipt.kind === "CANCELLATION",
      refunded: receipt.kind === "CANCELLATION" && receipt.donationStatus === "REFUNDED",
      downloadLink: await receiptDownloadLink(receipt.slug, organizationId, receiptId),
    };
    await sendEmail({ to: receipt.donorEmail, subject: donorReceiptSubject(props), react: DonorReceiptEmail(props), text: donorReceiptText(props) });
  } catch (error) {
    logError("donor receipt email failed", error, { organizationId, receiptId });
  }
}
