import { randomUUID } from "node:crypto";
import type { Metadata } from "next";
import { donationVisitor } from "@/lib/context/payer";
import { tenantRequest } from "@/lib/context/request";
import { cardGiftReturn, publicFunds } from "@/lib/queries/donations";
import { receiptDownloadLink } from "@/lib/services/donor-receipts";
import { giveByCardAction, giveByMpesaAction } from "./actions";
import { DonateForm } from "./donate-form";

export const metadata: Metadata = { title: "Donate", referrer: "no-referrer" };

/** How often the return page looks again while Stripe's confirmation is on its way. */
const RECHECK_SECONDS = 3;

/**
 * The club's public donation page on its own subdomain: no sign-in. Each
 * render hands the form a fresh one-time key (a reload starts a new gift).
 * Back from Stripe Checkout (?card=paid&gift=…) it says how the card gift
 * stands, with its receipt's link once Stripe's webhook has settled it.
 */
export default async function DonatePage({ searchParams }: { searchParams: Promise<{ card?: string; gift?: string }> }) {
  const { organizationId } = await donationVisitor(); // a suspended club takes no gifts: /suspended
  const { org } = await tenantRequest();
  const funds = await publicFunds(organizationId);
  const { card, gift } = await searchParams;
  const returned = card === "paid" && gift ? await cardGiftReturn(organizationId, gift, (receiptId) => receiptDownloadLink(org.slug, org.id, receiptId)) : null;
  return (
    <main className="mx-auto max-w-xl px-6 py-16" data-testid="donate">
      <p className="text-sm text-gray-600">{org.name}</p>
      <h1 className="mt-1 text-2xl font-semibold">Give to {org.name}</h1>
      {returned ? (
        <div role="status" data-testid="card-return" data-state={returned.state === "received" ? "paid" : returned.state} className="mt-4 rounded border p-4 text-sm">
          {returned.state === "refunded" ? (
            <p>This gift was refunded to your card, and its receipt cancelled.</p>
          ) : returned.state === "received" ? (
            <>
              <p className="font-medium text-green-700">Thank you: your gift is received.</p>
              {returned.receiptUrl ? (
                <a href={returned.receiptUrl} className="underline" data-testid="receipt-link">
                  Download your receipt (PDF)
                </a>
              ) : null}
            </>
          ) : (
            <>
              <meta httpEquiv="refresh" content={String(RECHECK_SECONDS)} />
              <p>Thank you: your card payment is being confirmed. Your receipt appears here in a moment.</p>
            </>
          )}
        </div>
      ) : null}
      {card === "cancelled" ? (
        <p role="status" data-testid="card-return" className="mt-4 text-sm text-gray-700">
          You left the card page: nothing was charged. You can give again below.
        </p>
      ) : null}
      <p className="mt-2 text-sm">Your gift is paid by M-Pesa or by card. A numbered receipt is issued once the payment is confirmed, and emailed to you if you give your email.</p>
      <div className="mt-6">
        <DonateForm action={giveByMpesaAction} card={giveByCardAction} idempotencyKey={randomUUID()} funds={funds} />
      </div>
    </main>
  );
}
