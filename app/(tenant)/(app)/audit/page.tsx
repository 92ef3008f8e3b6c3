import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/app/_components/data-table";
import { PageHeader } from "@/app/_components/page-header";
import { memberRequest } from "@/lib/context/request";
import { latestAuditCheckpoint, listAuditEntries, verifyAuditChain } from "@/lib/queries/audit";
import { describeVerdict } from "@/lib/audit/verify";
import { auditPageQuery, filterMatchesNothing, type AuditFilter } from "@/lib/schemas/audit";
import { readQuery, type SearchParams } from "@/lib/schemas/query";
import { notFoundOnAppError } from "@/lib/actions/not-found";

export const metadata: Metadata = { title: "Audit trail" };

const FILTERS: { name: keyof AuditFilter; label: string; type: "text" | "date"; placeholder?: string }[] = [
  { name: "actor", label: "Actor", type: "text", placeholder: "email or id" },
  { name: "action", label: "Action", type: "text", placeholder: "e.g. member." },
  { name: "target", label: "Target", type: "text", placeholder: "type or id" },
  { name: "from", label: "From", type: "date" },
  { name: "to", label: "To", type: "date" },
];

/** The query string of the current filters, for the next page and the export link. */
function queryOf(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `?${query}` : "";
}

const json = (value: unknown) => (value === null || value === undefined ? "—" : JSON.stringify(value, null, 2));

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { before, verify, ...filter } = readQuery(auditPageQuery, await searchParams);
  const { actor } = await memberRequest();
  const [{ entries, next }, verdict, checkpoint] = await notFoundOnAppError(() =>
    Promise.all([listAuditEntries(actor, filter, before), verify ? verifyAuditChain(actor) : null, latestAuditCheckpoint(actor)]),
  );
  return (
    <section>
      <PageHeader title="Audit trail">
        <div className="flex gap-2">
          <form>
            <input type="hidden" name="verify" value="1" />
            <button type="submit" className="btn-quiet">
              Verify chain
            </button>
          </form>
          {filterMatchesNothing(filter) ? null : (
            <a href={`/audit/export${queryOf(filter)}`} className="btn" download>
              Export CSV
            </a>
          )}
        </div>
      </PageHeader>
      {verdict ? (
        <p role="status" data-testid="chain-verdict" className={verdict.ok ? "mt-3 text-sm text-green-700" : "mt-3 text-sm text-red-700"}>
          Chain {describeVerdict(verdict)}
          {verdict.ok ? ` (${verdict.checked} entries checked)` : null}
        </p>
      ) : null}
      <p data-testid="chain-checkpoint" className="mt-3 break-all text-xs text-gray-600">
        {checkpoint ? (
          <>
            Latest signed checkpoint: #{checkpoint.seq.toString()} at {checkpoint.at.toISOString().replace("T", " ").slice(0, 19)} UTC, hash{" "}
            <code>{checkpoint.hash}</code>. Keep a copy: a later trail that does not pass through this head was cut or rewritten.
          </>
        ) : (
          "No signed checkpoint yet: one is written within a minute of the next change."
        )}
      </p>
      <form className="mt-6 grid grid-cols-5 gap-2" role="search">
        {FILTERS.map((f) => (
          <label key={f.name} className="text-sm text-gray-600">
            {f.label}
            <input name={f.name} type={f.type} defaultValue={filter[f.name] ?? ""} placeholder={f.placeholder} className="field mt-1" />
          </label>
        ))}
        <button type="submit" className="btn-quiet col-span-5 justify-self-start">
          Filter
        </button>
      </form>
      <DataTable
        testId="audit-list"
        rows={entries}
        rowKey={(e) => e.id}
        empty="No entries match."
        columns={[
          { header: "#", className: "tabular-nums", cell: (e) => e.seq.toString() },
          { header: "When (UTC)", className: "whitespace-nowrap", cell: (e) => e.at.toISOString().replace("T", " ").slice(0, 19) },
          {
            header: "Actor",
            cell: (e) => (
              <>
                {e.actorLabel}
                {e.ip ? <span className="block text-xs text-gray-500">{e.ip}</span> : null}
              </>
            ),
          },
          {
            header: "Action",
            cell: (e) => (
              <details>
                <summary className="cursor-pointer">
                  <code>{e.action}</code> · {e.summary}
                </summary>
                <div className="mt-2 grid grid-cols-2 gap-2">
                  <pre className="overflow-x-auto rounded bg-gray-50 p-2 text-xs" aria-label="before">{json(e.before)}</pre>
                  <pre className="overflow-x-auto rounded bg-gray-50 p-2 text-xs" aria-label="after">{json(e.after)}</pre>
                </div>
                <p className="mt-1 break-all text-xs text-gray-500">hash {e.hash}</p>
                {e.requestId ? (
                  <p className="break-all text-xs text-gray-500" data-testid="audit-request-id">
                    request <code>{e.requestId}</code> (the id on its log lines)
                  </p>
                ) : null}
              </details>
            ),
          },
          { header: "Target", className: "break-all", cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : "—") },
        ]}
      />
      {next ? (
        <Link href={`/audit${queryOf(filter, { before: next.toString() })}`} className="btn-quiet mt-4">
          Older entries
        </Link>
      ) : null}
    </section>
  );
}
