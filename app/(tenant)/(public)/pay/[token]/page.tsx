import type { Metadata } from "next";
import { PayOptions } from "@/app/_components/pay-options";
import { payLinkVisitor } from "@/lib/context/payer";
import { tenantRequest } from "@/lib/context/request";
import { formatMoney } from "@/lib/dues/money";
import { payableInvoiceByLink } from "@/lib/queries/payable-invoices";
import { payLinkByCardAction, payLinkByMpesaAction } from "./actions";

export const metadata: Metadata = { title: "Pay your dues", referrer: "no-referrer" };

/**
 * A reminder's "Pay now" link: no sign-in. The signed token names one invoice
 * of this club; an expired or altered one gets a plain explanation and nothing
 * about the invoice, its club or its member.
 */
const BROKEN = {
  expired: { title: "This payment link has expired", text: "Payment links last 30 days. Ask your club's treasurer for a new one, or sign in and pay from My dues." },
  invalid: { title: "This payment link is not valid", text: "It may have been cut short or changed. Open the whole link from your email again, or sign in and pay from My dues." },
} as const;

const CARD_RETURN = {
  paid: { ok: true, text: "Thank you: your card payment went through. This page shows the invoice paid once Stripe confirms it, usually within a minute." },
  cancelled: { ok: false, text: "Card payment cancelled: nothing was charged." },
} as const;

export default async function PayLinkPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ card?: string }> }) {
  const { organizationId } = await payLinkVisitor(); // a suspended club's links lead to /suspended
  const { org } = await tenantRequest();
  const { token } = await params;
  const link = await payableInvoiceByLink(organizationId, token);
  if (!link.ok) {
    const broken = BROKEN[link.reason];
    return (
      <main className="mx-auto max-w-md px-6 py-20" data-testid="pay-link-error" data-reason={link.reason}>
        <h1 className="text-2xl font-semibold">{broken.title}</h1>
        <p className="mt-4 text-sm">{broken.text}</p>
        <p className="mt-6 text-sm">
          <a href="/login" className="underline">
            Sign in
          </a>
        </p>
      </main>
    );
  }
  const { invoice } = link;
  const card = (await searchParams).card;
  const cardReturn = card === "paid" || card === "cancelled" ? CARD_RETURN[card] : null;
  return (
    <main className="mx-auto max-w-xl px-6 py-16" data-testid="pay-link">
      <p className="text-sm text-gray-600">{org.name}</p>
      <h1 className="mt-1 text-2xl font-semibold">Dues, {invoice.periodLabel}</h1>
      <p className="mt-2 text-sm">For {invoice.payerFirstName}</p>
      {cardReturn ? (
        <p role="status" data-testid="card-return" className={`mt-4 text-sm ${cardReturn.ok ? "text-green-700" : "text-gray-700"}`}>
          {cardReturn.text}
        </p>
      ) : null}
      <dl className="mt-6 grid grid-cols-2 gap-y-1 text-sm">
        <dt className="text-gray-600">Amount</dt>
        <dd>{formatMoney(invoice.amountMinor, invoice.currency)}</dd>
        <dt className="text-gray-600">Paid</dt>
        <dd>{formatMoney(invoice.paidMinor, invoice.currency)}</dd>
        <dt className="text-gray-600">Balance</dt>
        <dd data-testid="invoice-balance">{formatMoney(invoice.balanceMinor, invoice.currency)}</dd>
      </dl>
      {invoice.closed ? (
        <p role="status" data-testid="invoice-closed" className="mt-6 font-medium">
          {invoice.closed}
        </p>
      ) : (
        <PayOptions
          hidden={{ token }}
          amount={formatMoney(invoice.balanceMinor, invoice.currency)}
          currency={invoice.currency}
          card={payLinkByCardAction}
          mpesa={payLinkByMpesaAction}
          progressUrl={`/pay/${token}/progress`}
        />
      )}
    </main>
  );
}
