import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/app/_components/action-form";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { can } from "@/lib/authz/capabilities";
import { BATCH_STATUS_LABELS } from "@/lib/batches/status";
import { memberRequest } from "@/lib/context/request";
import { notFoundOnAppError } from "@/lib/actions/not-found";
import { batchLocations, listBatches, retentionSettings } from "@/lib/queries/batches";
import { setRetentionAction } from "./actions";
import { UploadForm } from "./upload-form";

export const metadata: Metadata = { title: "Beneficiary batches" };

export default async function BatchesPage() {
  const { actor } = await memberRequest();
  const [batches, locations] = await notFoundOnAppError(() => Promise.all([listBatches(actor), batchLocations(actor)]));
  const retention = can(actor, "retention:manage") ? await retentionSettings(actor) : null;
  return (
    <section>
      <PageHeader title="Beneficiary batches">
        <a href="/batches/template" className="btn-quiet" download>
          Download the template
        </a>
      </PageHeader>
      <h2 className="mt-6 text-lg font-semibold">Upload a batch</h2>
      {locations.length ? (
        <UploadForm locations={locations.map((l) => ({ id: l.id, label: `${l.program.name} — ${l.name}` }))} />
      ) : (
        <p className="mt-2 text-gray-600">You have no location to upload for.</p>
      )}
      <h2 className="mt-8 text-lg font-semibold">Batches</h2>
      <DataTable
        testId="batch-list"
        rows={batches}
        rowKey={(b) => b.id}
        empty="No batches yet."
        columns={[
          {
            header: "File",
            cell: (b) => (
              <Link href={`/batches/${b.id}`} className="text-brand-700 hover:underline">
                {b.fileName}
              </Link>
            ),
          },
          { header: "Location", cell: (b) => `${b.location.program.name} — ${b.location.name}` },
          { header: "Status", cell: (b) => BATCH_STATUS_LABELS[b.status] },
          { header: "Rows", cell: (b) => `${b.received} received, ${b.valid} valid, ${b.imported} imported` },
          { header: "Uploaded", cell: (b) => b.uploadedAt.toISOString().slice(0, 16).replace("T", " ") },
        ]}
      />
      {retention ? (
        <>
          <h2 className="mt-8 text-lg font-semibold">PII retention</h2>
          <p className="mt-1 text-sm text-gray-600">
            Raw files and staged rows are deleted this many days after a batch is processed.
          </p>
          <ActionForm
            action={setRetentionAction}
            testId="retention-form"
            values={{ piiRetentionDays: String(retention.piiRetentionDays), purgeIdentifiers: retention.purgeIdentifiers ? "on" : "" }}
            fields={[
              { name: "piiRetentionDays", label: "Days (1–365)", type: "number" },
              { name: "purgeIdentifiers", label: "Also purge the beneficiaries' NIN, BVN and phone", type: "checkboxes", options: [{ value: "on", label: "Purge identifiers after processing" }] },
            ]}
            submitLabel="Save retention"
          />
        </>
      ) : null}
    </section>
  );
}
