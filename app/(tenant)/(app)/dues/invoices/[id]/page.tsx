import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { DataTable } from "@/app/_components/data-table";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { calendarDateLabel, calendarDateOf } from "@/lib/dues/calendar-date";
import { INVOICE_STATE_LABELS } from "@/lib/dues/invoice-state";
import { formatMoney, moneyDecimal } from "@/lib/dues/money";
import { getInvoice, periodLabel } from "@/lib/queries/dues";
import { openInvoiceAction, recordPaymentAction, voidInvoiceAction } from "../../actions";
import { PAYMENT_FIELDS } from "../../fields";

export const metadata: Metadata = { title: "Dues invoice" };

const METHODS = { CARD: "Card", MPESA: "M-Pesa", CASH: "Cash", BANK: "Bank transfer" } as const;
const STATUSES = { PENDING: "Pending", SUCCEEDED: "Succeeded", FAILED: "Failed" } as const;

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const invoice = await notFoundOnAppError(() => getInvoice(actor, id));
  const collects = can(actor, "dues:collect");
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  return (
    <section>
      <Link href="/dues/invoices" className="text-sm text-brand-700 hover:underline">
        ← Invoices
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">
        {invoice.plan.name} · {periodLabel(invoice.period)}
      </h1>
      <p className="mt-1 text-sm text-gray-600">
        To{" "}
        <Link href={`/members/${invoice.member.id}`} className="text-brand-700 hover:underline">
          {invoice.member.firstName} {invoice.member.lastName}
        </Link>{" "}
        · due {calendarDateLabel(invoice.dueOn.toISOString().slice(0, 10))}
      </p>
      <dl className="mt-6 grid max-w-md grid-cols-2 gap-2 text-sm">
        <dt className="text-gray-600">State</dt>
        <dd data-testid="invoice-state">{INVOICE_STATE_LABELS[invoice.state]}</dd>
        <dt className="text-gray-600">Amount</dt>
        <dd className="tabular-nums">{money(invoice.amountMinor)}</dd>
        <dt className="text-gray-600">Paid</dt>
        <dd className="tabular-nums">{money(invoice.paidMinor)}</dd>
        <dt className="text-gray-600">Balance</dt>
        <dd className="tabular-nums" data-testid="invoice-balance">
          {money(invoice.balanceMinor)}
        </dd>
        <dt className="text-gray-600">Covers</dt>
        <dd>{invoice.covered.map((m) => `${m.firstName} ${m.lastName}`).join(", ")}</dd>
        {invoice.voidReason ? (
          <>
            <dt className="text-gray-600">Void because</dt>
            <dd data-testid="void-reason">{invoice.voidReason}</dd>
          </>
        ) : null}
      </dl>

      <h2 className="mt-8 text-lg font-semibold">Ledger</h2>
      <DataTable
        testId="ledger"
        rows={invoice.payments}
        rowKey={(p) => p.id}
        empty="No payments yet."
        columns={[
          { header: "When", className: "whitespace-nowrap", cell: (p) => (p.paidAt ?? p.createdAt).toISOString().slice(0, 10) },
          { header: "Kind", cell: (p) => (p.kind === "REFUND" ? "Refund" : "Payment") },
          { header: "Method", cell: (p) => METHODS[p.method] },
          { header: "Reference", className: "break-all", cell: (p) => p.mpesaReceipt ?? p.reference ?? "—" },
          { header: "Status", cell: (p) => (p.failureReason ? `${STATUSES[p.status]}: ${p.failureReason}` : STATUSES[p.status]) },
          { header: "Amount", align: "right", className: "tabular-nums whitespace-nowrap", cell: (p) => formatMoney(p.kind === "REFUND" ? -p.amountMinor : p.amountMinor, p.currency) },
        ]}
      />

      {collects && invoice.status === "DRAFT" ? (
        <ActionButton action={openInvoiceAction} hidden={{ invoiceId: invoice.id }} label="Open invoice" buttonClassName="btn" className="mt-8" />
      ) : null}
      {collects && invoice.status === "OPEN" && invoice.balanceMinor > 0 ? (
        <>
          <h2 className="mt-8 text-lg font-semibold">Record a payment</h2>
          <ActionForm
            action={recordPaymentAction}
            hidden={{ invoiceId: invoice.id }}
            fields={PAYMENT_FIELDS}
            values={{ amount: moneyDecimal(invoice.balanceMinor, invoice.currency), paidOn: calendarDateOf(new Date()) }}
            submitLabel="Record payment"
            testId="payment-form"
          />
        </>
      ) : null}
      {collects && invoice.status !== "VOID" ? (
        <>
          <h2 className="mt-8 text-lg font-semibold">Void</h2>
          <ActionForm
            action={voidInvoiceAction}
            hidden={{ invoiceId: invoice.id }}
            fields={[{ name: "reason", label: "Reason" }]}
            submitLabel="Void invoice"
            testId="void-form"
          />
        </>
      ) : null}
    </section>
  );
}
