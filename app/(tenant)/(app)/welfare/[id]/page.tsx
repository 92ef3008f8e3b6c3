import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/app/_components/action-button";
import { ActionForm } from "@/app/_components/action-form";
import { AttachmentsPanel } from "@/app/_components/attachments-panel";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { can } from "@/lib/authz/capabilities";
import { memberRequest } from "@/lib/context/request";
import { calendarDateOf } from "@/lib/dues/calendar-date";
import { CURRENCIES, formatMoney } from "@/lib/dues/money";
import { listAttachments } from "@/lib/queries/attachments";
import { getWelfareCase } from "@/lib/queries/welfare-cases";
import {
  approveDisbursementAction,
  closeWelfareCaseAction,
  markB2cPayoutFailedAction,
  payDisbursementByMpesaAction,
  recordB2cPayoutPaidAction,
  recordDisbursementPaidAction,
  rejectDisbursementAction,
  requestDisbursementAction,
} from "../actions";
import { CASE_STATUS_LABELS, CATEGORY_LABELS, DISBURSEMENT_STATUS_LABELS, METHOD_LABELS } from "../labels";

export const metadata: Metadata = { title: "Welfare case" };

/**
 * One case: who it is for, its disbursements with what each person may do
 * next (approve and reject are absent for the requester; the service refuses
 * them anyway), and a link to the notes for those who may read them.
 */
export default async function WelfareCasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const found = await notFoundOnAppError(() => getWelfareCase(actor, id));
  const approves = can(actor, "welfare:approve");
  // As confidential as the notes: only those who may read them see the files.
  const attachments = found.notesReadable ? await listAttachments(actor, "welfare", found.id) : null;
  return (
    <section>
      <Link href="/welfare" className="text-sm text-brand-700 hover:underline">
        ← Welfare cases
      </Link>
      <PageHeader title={found.title}>
        {can(actor, "welfare:write") && found.status !== "CLOSED" && <ActionButton action={closeWelfareCaseAction} hidden={{ caseId: found.id }} label="Close case" />}
      </PageHeader>
      <dl className="mt-4 grid max-w-md grid-cols-2 gap-2 text-sm">
        <dt className="text-gray-600">Member</dt>
        <dd>{found.member ? `${found.member.firstName} ${found.member.lastName}` : "—"}</dd>
        <dt className="text-gray-600">Category</dt>
        <dd>{CATEGORY_LABELS[found.category]}</dd>
        <dt className="text-gray-600">Status</dt>
        <dd data-testid="case-status">{CASE_STATUS_LABELS[found.status]}</dd>
      </dl>
      {found.notesReadable && (
        <p className="mt-4">
          <Link href={`/welfare/${found.id}/notes`} className="text-brand-700 hover:underline" data-testid="notes-link">
            Read the confidential notes
          </Link>
        </p>
      )}
      {attachments && (
        <AttachmentsPanel
          base={`/welfare/${found.id}/attachments`}
          attachments={attachments.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() }))}
          canUpload={can(actor, "welfare:write")}
        />
      )}
      <h2 className="mt-8 text-lg font-semibold">Disbursements</h2>
      <DataTable
        testId="disbursements"
        rows={found.disbursements}
        rowKey={(d) => d.id}
        rowAttributes={(d) => ({ "data-status": d.status, "data-id": d.id })}
        empty="No disbursements yet."
        columns={[
          { header: "Amount", cell: (d) => formatMoney(d.amountMinor, d.currency) },
          { header: "Method", cell: (d) => METHOD_LABELS[d.method] },
          { header: "Reason", cell: (d) => d.reason },
          { header: "Requested by", cell: (d) => d.requestedBy },
          { header: "Status", cell: (d) => <span data-testid="disbursement-status">{DISBURSEMENT_STATUS_LABELS[d.status]}{d.decidedBy ? ` (${d.decidedBy})` : ""}</span> },
          {
            header: "",
            cell: (d) => {
              const hidden = { disbursementId: d.id };
              // The requester sees no decision buttons: someone else must check their request.
              if (approves && d.status === "REQUESTED" && d.requestedById !== actor.userId) {
                return (
                  <div className="flex gap-2">
                    <ActionButton action={approveDisbursementAction} hidden={hidden} label="Approve" buttonClassName="btn" />
                    <ActionButton action={rejectDisbursementAction} hidden={hidden} label="Reject" />
                  </div>
                );
              }
              if (approves && d.status === "APPROVED") {
                return (
                  <div className="space-y-2">
                    {d.method === "MPESA" && <ActionButton action={payDisbursementByMpesaAction} hidden={hidden} label="Pay by M-Pesa" buttonClassName="btn" />}
                    <ActionForm
                      action={recordDisbursementPaidAction}
                      hidden={hidden}
                      className="space-y-2"
                      testId="record-paid-form"
                      fields={[
                        { name: "method", label: "Paid by", type: "select", options: [{ value: "CASH", label: "Cash" }, { value: "BANK", label: "Bank transfer" }] },
                        { name: "reference", label: "Receipt or transfer reference" },
                      ]}
                      submitLabel="Record as paid"
                    />
                  </div>
                );
              }
              if (d.payoutUnconfirmed) {
                return (
                  <div className="max-w-sm space-y-2 text-sm" role="alert" data-testid="payout-unconfirmed">
                    <p className="font-semibold text-amber-800">M-Pesa has not confirmed this payout</p>
                    <p className="text-gray-700">
                      It was sent {d.payoutSentAt?.toISOString().slice(0, 16).replace("T", " ")} UTC and M-Pesa has not said whether the money left. Check the
                      club&apos;s M-Pesa statement for a payment of {formatMoney(d.amountMinor, d.currency)} to this phone. If it is there, the money reached the
                      member: record the payout as paid with the statement&apos;s receipt number and date, and do not pay again. If it is not, mark the
                      payout failed; the disbursement stays approved and can be paid again.
                    </p>
                    {approves && (
                      <>
                        <ActionForm
                          action={recordB2cPayoutPaidAction}
                          hidden={hidden}
                          className="space-y-2"
                          testId="record-payout-paid-form"
                          fields={[
                            { name: "receipt", label: "M-Pesa receipt number" },
                            { name: "paidOn", label: "Paid on (YYYY-MM-DD)" },
                          ]}
                          values={{ paidOn: calendarDateOf(new Date()) }}
                          submitLabel="Record payout as paid"
                        />
                        <ActionButton action={markB2cPayoutFailedAction} hidden={hidden} label="Mark payout failed" />
                      </>
                    )}
                  </div>
                );
              }
              return d.status === "REQUESTED" && d.requestedById === actor.userId ? <span className="text-sm text-gray-600">Waiting for another treasurer</span> : null;
            },
          },
        ]}
      />
      {can(actor, "welfare:write") && found.status !== "CLOSED" && (
        <>
          <h2 className="mt-8 text-lg font-semibold">Request a disbursement</h2>
          <ActionForm
            action={requestDisbursementAction}
            testId="disbursement-form"
            hidden={{ caseId: found.id }}
            fields={[
              { name: "amount", label: "Amount" },
              { name: "currency", label: "Currency", type: "select", options: CURRENCIES.map((c) => ({ value: c, label: c })) },
              {
                name: "method",
                label: "Pay by",
                type: "select",
                options: [
                  { value: "MPESA", label: "M-Pesa (to a phone)" },
                  { value: "CASH", label: "Cash" },
                  { value: "BANK", label: "Bank transfer" },
                ],
              },
              { name: "phone", label: "M-Pesa phone (for M-Pesa)", type: "tel" },
              { name: "reason", label: "What it is for" },
            ]}
            submitLabel="Request disbursement"
          />
        </>
      )}
    </section>
  );
}
