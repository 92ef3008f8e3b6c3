import type { Metadata } from "next";
import { ActionButton } from "@/app/_components/action-button";
import { DataTable } from "@/app/_components/data-table";
import { BATCH_STATUS_LABELS } from "@/lib/batches/status";
import { memberRequest } from "@/lib/context/request";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { batchProgress, batchReportRows, getBatch } from "@/lib/queries/batches";
import { discardBatchAction, processBatchAction } from "../actions";
import { ProgressBar } from "./progress-bar";

export const metadata: Metadata = { title: "Beneficiary batch" };

const day = (d: Date) => d.toISOString().slice(0, 10);
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function BatchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor } = await memberRequest();
  const [batch, rows, progress] = await notFoundOnAppError(() => Promise.all([getBatch(actor, id), batchReportRows(actor, id), batchProgress(actor, id)]));
  const running = batch.status === "QUEUED" || batch.status === "PROCESSING" || batch.status === "PROCESSED";
  return (
    <section>
      <h1 className="text-2xl font-semibold" data-testid="batch-name">
        {batch.fileName}
      </h1>
      <p className="mt-1 text-gray-600">
        {batch.location.program.name} — {batch.location.name} · uploaded by {batch.uploadedBy} on {minute(batch.uploadedAt)}
      </p>
      <p className="mt-2">
        Status: <strong data-testid="batch-status">{BATCH_STATUS_LABELS[batch.status]}</strong>
        {batch.purgedAt ? (
          <span className="ml-2 text-gray-700" data-testid="batch-purged">
            · PII purged on {day(batch.purgedAt)}
          </span>
        ) : null}
      </p>
      <dl className="mt-4 grid max-w-xl grid-cols-5 gap-2 text-center text-sm" data-testid="batch-counts">
        {(
          [
            ["Received", batch.received],
            ["Valid", batch.valid],
            ["Rejected", batch.rejected],
            ["Duplicate", batch.duplicate],
            ["Imported", batch.imported],
          ] as const
        ).map(([label, value]) => (
          <div key={label} className="rounded bg-white p-2">
            <dt className="text-gray-600">{label}</dt>
            <dd className="text-lg font-semibold" data-testid={`count-${label.toLowerCase()}`}>
              {value.toLocaleString("en")}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-2 break-all text-xs text-gray-600">
        SHA-256 <code data-testid="batch-sha256">{batch.sha256}</code> · {batch.bytes.toLocaleString("en")} bytes
      </p>
      {running ? <ProgressBar batchId={batch.id} initial={progress} /> : null}
      {batch.status === "REVIEW" ? (
        <div className="mt-6 flex gap-4">
          {batch.valid > 0 ? (
            <ActionButton action={processBatchAction} hidden={{ id: batch.id }} label={`Process ${batch.valid.toLocaleString("en")} valid rows`} buttonClassName="btn" />
          ) : (
            <p className="text-gray-700">No valid rows to process.</p>
          )}
          <ActionButton action={discardBatchAction} hidden={{ id: batch.id }} label="Discard the batch" />
        </div>
      ) : null}
      <div className="mt-8 flex items-center justify-between">
        <h2 className="text-lg font-semibold">Rows not imported</h2>
        <a href={`/batches/${batch.id}/report`} className="btn-quiet" download>
          Download the report (CSV)
        </a>
      </div>
      <DataTable
        testId="batch-report"
        rows={rows}
        rowKey={(r) => String(r.rowNumber)}
        empty={batch.purgedAt ? "The rows were purged with the batch's PII." : "Every row is valid."}
        columns={[
          { header: "Row", cell: (r) => r.rowNumber },
          { header: "Verdict", cell: (r) => (r.status === "REJECTED" ? "Rejected" : "Duplicate") },
          { header: "Reasons", cell: (r) => r.errors },
        ]}
      />
    </section>
  );
}
