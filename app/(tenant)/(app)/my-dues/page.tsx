import type { Metadata } from "next";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { PayOptions } from "@/app/_components/pay-options";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { memberRequest } from "@/lib/context/request";
import { calendarDateLabel } from "@/lib/dues/calendar-date";
import { INVOICE_STATE_LABELS } from "@/lib/dues/invoice-state";
import { formatMoney } from "@/lib/dues/money";
import { memberDues, type MemberPayment } from "@/lib/queries/member-dues";
import { payByCardAction, payByMpesaAction } from "./actions";

export const metadata: Metadata = { title: "My dues" };

const METHOD: Record<MemberPayment["method"], string> = { CARD: "Card", MPESA: "M-Pesa", CASH: "Cash", BANK: "Bank transfer" };
const STATUS: Record<MemberPayment["status"], string> = { PENDING: "Waiting", SUCCEEDED: "Received", FAILED: "Not completed" };

/** Stripe sends the payer back here (lib/services/invoice-payments.ts `cardReturn`). */
const CARD_RETURN = {
  paid: { ok: true, text: "Thank you: your card payment went through. The invoice shows as paid once Stripe confirms it, usually within a minute." },
  cancelled: { ok: false, text: "Card payment cancelled: nothing was charged." },
} as const;

export default async function MyDuesPage({ searchParams }: { searchParams: Promise<{ card?: string }> }) {
  const { actor } = await memberRequest();
  const dues = await notFoundOnAppError(() => memberDues(actor));
  const card = (await searchParams).card;
  const cardReturn = card === "paid" || card === "cancelled" ? CARD_RETURN[card] : null;
  return (
    <section>
      <PageHeader title="My dues" />
      {cardReturn ? (
        <p role="status" data-testid="card-return" className={`mt-4 text-sm ${cardReturn.ok ? "text-green-700" : "text-gray-700"}`}>
          {cardReturn.text}
        </p>
      ) : null}
      {dues.memberName === null ? (
        <p className="mt-6 text-sm text-gray-600">Your login is not linked to a member record of this club yet, so there are no dues to show. Ask the club&apos;s secretary to link it.</p>
      ) : (
        <>
          <h2 className="mt-8 text-lg font-semibold">Invoices</h2>
          {dues.invoices.length === 0 ? <p className="mt-2 text-sm text-gray-600">No invoices yet.</p> : null}
          <ul className="mt-2 space-y-4" data-testid="my-invoices">
            {dues.invoices.map((invoice) => (
              <li key={invoice.id} className="rounded border p-4" data-testid="my-invoice" data-invoice-id={invoice.id} data-state={invoice.state}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-medium">
                    {invoice.planName}, {invoice.periodLabel}
                  </p>
                  <p className="text-sm" data-testid="invoice-state">
                    {INVOICE_STATE_LABELS[invoice.state]}
                  </p>
                </div>
                <dl className="mt-2 grid grid-cols-2 gap-x-4 text-sm sm:grid-cols-4">
                  <dt className="text-gray-600">Amount</dt>
                  <dd>{formatMoney(invoice.amountMinor, invoice.currency)}</dd>
                  <dt className="text-gray-600">Paid</dt>
                  <dd>{formatMoney(invoice.paidMinor, invoice.currency)}</dd>
                  <dt className="text-gray-600">Balance</dt>
                  <dd data-testid="invoice-balance">{formatMoney(invoice.balanceMinor, invoice.currency)}</dd>
                  <dt className="text-gray-600">Due</dt>
                  <dd>{calendarDateLabel(invoice.dueOn)}</dd>
                </dl>
                {invoice.payable ? (
                  <PayOptions
                    hidden={{ invoiceId: invoice.id }}
                    amount={formatMoney(invoice.balanceMinor, invoice.currency)}
                    currency={invoice.currency}
                    card={payByCardAction}
                    mpesa={payByMpesaAction}
                    progressUrl={`/my-dues/${invoice.id}/progress`}
                  />
                ) : null}
              </li>
            ))}
          </ul>
          <h2 className="mt-10 text-lg font-semibold">Payment history</h2>
          <DataTable
            className="mt-2"
            testId="my-payments"
            rows={dues.payments}
            rowKey={(p) => p.id}
            empty="No payments yet."
            columns={[
              { header: "Date", cell: (p) => calendarDateLabel(p.at.toISOString().slice(0, 10)) },
              { header: "Method", cell: (p) => (p.kind === "REFUND" ? `Refund (${METHOD[p.method]})` : METHOD[p.method]) },
              { header: "Amount", align: "right", cell: (p) => formatMoney(p.amountMinor, p.currency) },
              { header: "Status", cell: (p) => (p.status === "FAILED" && p.failureReason ? `${STATUS[p.status]}: ${p.failureReason}` : STATUS[p.status]) },
            ]}
          />
        </>
      )}
    </section>
  );
}
