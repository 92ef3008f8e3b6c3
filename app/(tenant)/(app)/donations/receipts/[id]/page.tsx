import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/app/_components/action-form";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { formatMoney, moneyDecimal } from "@/lib/dues/money";
import { receiptDetail } from "@/lib/queries/donations";
import { correctReceiptAction } from "../../actions";
import { CORRECTION_FIELDS } from "../../fields";

export const metadata: Metadata = { title: "Donor receipt" };

/** One issued receipt: its PDF, and (while it stands) its correction: a cancelling receipt plus a new one. */
export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const receipt = await notFoundOnAppError(() => receiptDetail(actor, id));
  const correctable = can(actor, "donations:write") && receipt.kind === "RECEIPT" && !receipt.cancelledBy;
  return (
    <section>
      <Link href={`/donations/donors/${receipt.donor.id}`} className="text-sm text-brand-700 hover:underline">
        ← {receipt.donor.name}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold" data-testid="receipt-title">
        {receipt.kind === "CANCELLATION" ? "Cancellation" : "Receipt"} {receipt.number}
      </h1>
      <dl className="mt-4 grid max-w-md grid-cols-2 gap-2 text-sm">
        <dt className="text-gray-600">Amount</dt>
        <dd className="tabular-nums">{formatMoney(receipt.amountMinor, receipt.currency)}</dd>
        <dt className="text-gray-600">Issued</dt>
        <dd>{receipt.issuedAt.toISOString().slice(0, 10)}</dd>
        <dt className="text-gray-600">Status</dt>
        <dd>{receipt.cancels ? `Cancels ${receipt.cancels.number}` : receipt.cancelledBy ? `Cancelled by ${receipt.cancelledBy.number}` : "Valid"}</dd>
      </dl>
      <p className="mt-4">
        <a href={`/donations/receipts/${receipt.id}/pdf`} className="btn" download>
          Download PDF
        </a>
      </p>
      {correctable ? (
        <div className="mt-8">
          <h2 className="text-lg font-semibold">Correct this receipt</h2>
          <p className="mt-1 text-sm text-gray-600">An issued receipt cannot be changed: it is cancelled by a cancelling receipt, and a new one is issued.</p>
          <ActionForm
            action={correctReceiptAction}
            fields={CORRECTION_FIELDS}
            hidden={{ receiptId: receipt.id }}
            values={{ currency: receipt.currency, amount: moneyDecimal(receipt.amountMinor, receipt.currency), fund: receipt.fund ?? "" }}
            submitLabel="Cancel and reissue"
            testId="correct-receipt"
          />
        </div>
      ) : null}
    </section>
  );
}
