import { z } from "zod";
import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { verifyReceiptLink } from "../donations/receipt-link";
import type { ReceiptDocument, StatementDocument } from "../donations/receipt-pdf";
import { selectDonationsPerMonth } from "../db/donation-months";
import type { CalendarDate } from "../dues/calendar-date";
import { withTenant, type TenantTx } from "../db/tenant";
import { env } from "../env";
import { notFoundError } from "../errors";
import type { PaymentProgress } from "./payment-progress";
import { progressOf } from "./payment-progress";

/**
 * The Donations area's reads (donations:read), the receipt and statement
 * documents, the public page's M-Pesa progress, and the dashboard's monthly
 * aggregate. Every read runs in the organisation's tenant transaction (RLS).
 */
const LIST_LIMIT = 200;

const METHOD_LABELS = { CARD: "Card", MPESA: "M-Pesa", CASH: "Cash", BANK: "Bank transfer", IN_KIND: "In kind" } as const;
export const donationMethodLabel = (method: keyof typeof METHOD_LABELS) => METHOD_LABELS[method];

const STATUS_LABELS = { PENDING: "Pending", RECEIVED: "Received", FAILED: "Failed", REFUNDED: "Refunded" } as const;
export const donationStatusLabel = (status: keyof typeof STATUS_LABELS) => STATUS_LABELS[status];

function reader(actor: Actor): void {
  if (!can(actor, "donations:read")) throw notFoundError();
}

/** An id from a URL: anything but a UUID names nothing (M4.4). */
function idOf(raw: string): string {
  const parsed = z.uuid().safeParse(raw);
  if (!parsed.success) throw notFoundError();
  return parsed.data;
}

const RECEIPT_FIELDS = { id: true, number: true, kind: true, issuedAt: true, amountMinor: true, currency: true, cancelsReceiptId: true, cancelledBy: { select: { number: true } } } as const;

/**
 * The latest donations, newest first, with their donor's name and the last
 * receipt issued for each: the valid receipt, or for a refunded gift the
 * cancellation that voided it.
 */
export async function listDonations(actor: Actor) {
  reader(actor);
  const rows = await withTenant(actor.organizationId, (tx) =>
    tx.donation.findMany({
      where: { organizationId: actor.organizationId },
      orderBy: [{ createdAt: "desc" }],
      take: LIST_LIMIT,
      select: {
        id: true,
        amountMinor: true,
        currency: true,
        method: true,
        status: true,
        fund: true,
        receivedAt: true,
        createdAt: true,
        donor: { select: { id: true, name: true } },
        receipts: { orderBy: [{ year: "desc" }, { seq: "desc" }], select: { id: true, number: true, kind: true }, take: 1 },
      },
    }),
  );
  return rows.map(({ receipts, ...row }) => ({ ...row, receipt: receipts[0] ?? null }));
}

/** One donor with their gifts and every receipt issued to them (cancellations too), or not found. */
export async function donorDetail(actor: Actor, donorId: string) {
  reader(actor);
  const donor = await withTenant(actor.organizationId, (tx) =>
    tx.donor.findFirst({
      where: { id: idOf(donorId), organizationId: actor.organizationId },
      select: {
        id: true,
        name: true,
        email: true,
        phone: true,
        address: true,
        createdAt: true,
        donations: {
          orderBy: { createdAt: "desc" },
          select: { id: true, amountMinor: true, currency: true, method: true, status: true, fund: true, description: true, receivedAt: true },
        },
        receipts: { orderBy: [{ year: "desc" }, { seq: "desc" }], select: { ...RECEIPT_FIELDS, donationId: true, fund: true } },
      },
    }),
  );
  if (!donor) throw notFoundError();
  return donor;
}

async function receiptDocumentIn(tx: TenantTx, organizationId: string, receiptId: string): Promise<ReceiptDocument | null> {
  const receipt = await tx.donorReceipt.findFirst({
    where: { id: receiptId, organizationId },
    select: {
      number: true,
      kind: true,
      issuedAt: true,
      amountMinor: true,
      currency: true,
      fund: true,
      cancels: { select: { number: true } },
      donor: { select: { name: true, address: true } },
      donation: { select: { method: true, receivedAt: true, description: true } },
      organization: { select: { name: true } },
    },
  });
  if (!receipt) return null;
  return {
    organizationName: receipt.organization.name,
    number: receipt.number,
    kind: receipt.kind,
    cancelsNumber: receipt.cancels?.number ?? null,
    issuedAt: receipt.issuedAt,
    donorName: receipt.donor.name,
    donorAddress: receipt.donor.address,
    amountMinor: receipt.amountMinor,
    currency: receipt.currency,
    fund: receipt.fund,
    method: donationMethodLabel(receipt.donation.method),
    receivedAt: receipt.donation.receivedAt,
    description: receipt.donation.description,
  };
}

/** A receipt's document for a signed-in reader; not found otherwise. */
export async function receiptDocument(actor: Actor, receiptId: string): Promise<ReceiptDocument> {
  reader(actor);
  const document = await withTenant(actor.organizationId, (tx) => receiptDocumentIn(tx, actor.organizationId, idOf(receiptId)));
  if (!document) throw notFoundError();
  return document;
}

/** The receipt a donor's signed link names in this organisation; an altered, expired or foreign link is not found. */
export async function receiptDocumentByLink(organizationId: string, token: string): Promise<ReceiptDocument> {
  const receiptId = await verifyReceiptLink(token, { organizationId, secret: env().AUTH_SECRET });
  const document = receiptId && (await withTenant(organizationId, (tx) => receiptDocumentIn(tx, organizationId, receiptId)));
  if (!document) throw notFoundError();
  return document;
}

/** What the receipt email needs, read after the receipt's commit. */
export async function receiptForEmail(organizationId: string, receiptId: string) {
  const receipt = await withTenant(organizationId, (tx) =>
    tx.donorReceipt.findFirst({
      where: { id: receiptId, organizationId },
      select: {
        number: true,
        kind: true,
        amountMinor: true,
        currency: true,
        donation: { select: { status: true } },
        donor: { select: { name: true, email: true } },
        organization: { select: { name: true, slug: true } },
      },
    }),
  );
  if (!receipt) return null;
  return {
    number: receipt.number,
    kind: receipt.kind,
    donationStatus: receipt.donation.status,
    amountMinor: receipt.amountMinor,
    currency: receipt.currency,
    donorName: receipt.donor.name,
    donorEmail: receipt.donor.email,
    organizationName: receipt.organization.name,
    slug: receipt.organization.slug,
  };
}

/**
 * A donor's gifts received in a calendar year (UTC), each with its current
 * receipt, and the totals per currency: the annual statement (page and PDF).
 */
export async function annualStatement(actor: Actor, donorId: string, yearText: string): Promise<StatementDocument & { donorId: string }> {
  reader(actor);
  if (!/^(19|20)\d{2}$/.test(yearText)) throw notFoundError();
  const year = Number(yearText);
  const from = new Date(Date.UTC(year, 0, 1));
  const to = new Date(Date.UTC(year + 1, 0, 1));
  const donor = await withTenant(actor.organizationId, (tx) =>
    tx.donor.findFirst({
      where: { id: idOf(donorId), organizationId: actor.organizationId },
      select: {
        id: true,
        name: true,
        address: true,
        organization: { select: { name: true } },
        donations: {
          where: { status: "RECEIVED", receivedAt: { gte: from, lt: to } },
          orderBy: { receivedAt: "asc" },
          select: { receivedAt: true, fund: true, method: true, amountMinor: true, currency: true, receipts: { where: { kind: "RECEIPT", cancelledBy: null }, select: { number: true }, take: 1 } },
        },
      },
    }),
  );
  if (!donor) throw notFoundError();
  const gifts = donor.donations.map((d) => ({
    date: d.receivedAt!,
    receiptNumber: d.receipts[0]?.number ?? null,
    fund: d.fund,
    method: donationMethodLabel(d.method),
    amountMinor: d.amountMinor,
    currency: d.currency,
  }));
  const sums = new Map<string, number>();
  for (const gift of gifts) sums.set(gift.currency, (sums.get(gift.currency) ?? 0) + gift.amountMinor);
  return {
    donorId: donor.id,
    organizationName: donor.organization.name,
    year,
    donorName: donor.name,
    donorAddress: donor.address,
    gifts,
    totals: [...sums].map(([currency, amountMinor]) => ({ currency, amountMinor })),
  };
}

/**
 * How the public page's M-Pesa attempt stands. Only a donation's payment is
 * looked at, by its id (a UUID the page was handed), and only its state and
 * the payer's sentence come back, with the receipt's signed link once issued.
 */
export async function donationProgress(organizationId: string, paymentId: string, linkFor: (receiptId: string) => Promise<string>): Promise<PaymentProgress & { receiptUrl: string | null }> {
  const payment = await withTenant(organizationId, (tx) =>
    tx.payment.findFirst({
      where: { id: paymentId, organizationId, method: "MPESA", kind: "PAYMENT", donationId: { not: null } },
      select: { status: true, failureReason: true, donation: { select: { receipts: { where: { kind: "RECEIPT", cancelledBy: null }, select: { id: true }, take: 1 } } } },
    }),
  );
  if (!payment) throw notFoundError();
  const receipt = payment.donation?.receipts[0];
  return { ...progressOf(payment), receiptUrl: receipt ? await linkFor(receipt.id) : null };
}

/**
 * A card gift as its donor comes back from Stripe Checkout, by the donation's
 * id (in the return address): received, with its receipt's signed link,
 * refunded since, or still waiting for Stripe's webhook. Any other id is not found.
 */
export async function cardGiftReturn(
  organizationId: string,
  donationId: string,
  linkFor: (receiptId: string) => Promise<string>,
): Promise<{ state: "received" | "refunded" | "waiting"; receiptUrl: string | null }> {
  const parsed = z.uuid().safeParse(donationId);
  if (!parsed.success) throw notFoundError();
  const gift = await withTenant(organizationId, (tx) =>
    tx.donation.findFirst({
      where: { id: parsed.data, organizationId, method: "CARD" },
      select: { status: true, receipts: { where: { kind: "RECEIPT", cancelledBy: null }, select: { id: true }, take: 1 } },
    }),
  );
  if (!gift) throw notFoundError();
  const receipt = gift.receipts[0];
  const state = gift.status === "RECEIVED" ? "received" : gift.status === "REFUNDED" ? "refunded" : "waiting";
  return { state, receiptUrl: receipt ? await linkFor(receipt.id) : null };
}

export type DonationsMonth = { month: string; currency: string; amountMinor: number; count: number };

/**
 * Donations received per month of the books (Nairobi) from the day `from` to
 * the day `to` (exclusive), summed per currency, in one SQL query: the
 * treasurer's dashboard chart.
 */
export async function donationsPerMonth(organization: Actor, from: CalendarDate, to: CalendarDate): Promise<DonationsMonth[]> {
  reader(organization);
  return withTenant(organization.organizationId, (tx) => selectDonationsPerMonth(tx, organization.organizationId, from, to));
}

/** The funds and campaigns gifts were given to, offered as suggestions on the public page (names only). */
export async function publicFunds(organizationId: string): Promise<string[]> {
  const rows = await withTenant(organizationId, (tx) =>
    tx.donation.findMany({ where: { organizationId, status: "RECEIVED", fund: { not: null } }, distinct: ["fund"], orderBy: { fund: "asc" }, select: { fund: true }, take: 20 }),
  );
  return rows.flatMap((r) => (r.fund ? [r.fund] : []));
}

/** One receipt for its page: what it says, its donor, and whether it is cancelled (and by which). */
export async function receiptDetail(actor: Actor, receiptId: string) {
  reader(actor);
  const receipt = await withTenant(actor.organizationId, (tx) =>
    tx.donorReceipt.findFirst({
      where: { id: idOf(receiptId), organizationId: actor.organizationId },
      select: { ...RECEIPT_FIELDS, fund: true, cancels: { select: { id: true, number: true } }, donor: { select: { id: true, name: true } } },
    }),
  );
  if (!receipt) throw notFoundError();
  return receipt;
}
