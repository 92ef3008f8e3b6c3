"use client";

import { useState } from "react";
import Link from "next/link";
import { FieldError, fieldErrorProps } from "@/app/_components/field-error";
import type { RowIssue } from "@/lib/queries/member-imports";
import type { ImportPreview } from "@/lib/services/member-imports";

/** Past this many rows the commit shows a progress bar (promise P2). */
const PROGRESS_FROM = 1_000;
const ENDPOINT = "/members/import/csv";

type Done = { created: number; duplicates: RowIssue[] };
type Stage =
  | { step: "choose"; error?: string }
  | { step: "checking" }
  | { step: "preview"; preview: ImportPreview; error?: string }
  | { step: "importing"; preview: ImportPreview; done: number; total: number }
  | { step: "imported"; result: Done };

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: string; id?: string } | null;
  return body?.error ? `${body.error}${body.id ? ` (${body.id})` : ""}` : `The upload failed (${response.status}).`;
}

/**
 * Upload → preview with the per-row report → import, all rows or none. The
 * file is sent as it is (text/csv) to the import endpoint, which reads it as
 * it streams in; the commit's answer streams progress lines.
 */
export function MemberImport() {
  const [stage, setStage] = useState<Stage>({ step: "choose" });

  async function check(form: FormData) {
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setStage({ step: "choose", error: "Choose a CSV file." });
    setStage({ step: "checking" });
    const response = await fetch(ENDPOINT, { method: "POST", headers: { "content-type": "text/csv" }, body: file }).catch(() => null);
    if (!response) return setStage({ step: "choose", error: "The upload did not reach the server; try again." });
    if (!response.ok) return setStage({ step: "choose", error: await errorOf(response) });
    setStage({ step: "preview", preview: (await response.json()) as ImportPreview });
  }

  async function commit(preview: ImportPreview) {
    setStage({ step: "importing", preview, done: 0, total: preview.fresh });
    const response = await fetch(ENDPOINT, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ importId: preview.importId }) }).catch(() => null);
    if (!response?.ok || !response.body) return setStage({ step: "preview", preview, error: response ? await errorOf(response) : "The import did not reach the server; try again." });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines.filter(Boolean)) {
        const message = JSON.parse(line) as { progress?: number; total?: number; done?: Done; error?: string };
        if (message.error) return setStage({ step: "preview", preview, error: message.error });
        if (message.done) return setStage({ step: "imported", result: message.done });
        setStage({ step: "importing", preview, done: message.progress ?? 0, total: message.total ?? preview.fresh });
      }
    }
    setStage({ step: "preview", preview, error: "The import stopped before it finished; nothing was imported. Try again." });
  }

  if (stage.step === "imported") {
    const { created, duplicates } = stage.result;
    return (
      <div className="mt-6 space-y-4">
        <p role="status" className="text-green-700" data-testid="import-result">
          Imported {created} {created === 1 ? "member" : "members"}; {duplicates.length} {duplicates.length === 1 ? "duplicate" : "duplicates"} skipped.
        </p>
        {duplicates.length ? <Report title="Skipped as duplicates" issues={duplicates} testId="import-duplicates" /> : null}
        <Link href="/members" className="btn">
          Back to members
        </Link>
      </div>
    );
  }

  if (stage.step === "preview" || stage.step === "importing") {
    const { preview } = stage;
    const importing = stage.step === "importing";
    return (
      <div className="mt-6 space-y-4">
        <p data-testid="import-summary">
          {preview.total} {preview.total === 1 ? "row" : "rows"}: {preview.problems.length ? `${new Set(preview.problems.map((p) => p.row)).size} with problems, ` : ""}
          {preview.duplicates.length} {preview.duplicates.length === 1 ? "duplicate" : "duplicates"}, {preview.fresh} to add.
        </p>
        <Sample rows={preview.sample} />
        {preview.problems.length ? (
          <>
            <p role="alert" className="text-red-700">
              Nothing can be imported until every row is correct. Fix the rows below and upload the file again.
            </p>
            <Report title="Problems" issues={preview.problems} testId="import-problems" />
          </>
        ) : null}
        {preview.duplicates.length ? <Report title="Duplicates (will be skipped)" issues={preview.duplicates} testId="import-duplicates" /> : null}
        {stage.step === "preview" && stage.error ? (
          <p role="alert" className="text-red-700">
            {stage.error}
          </p>
        ) : null}
        {importing && stage.total > PROGRESS_FROM ? (
          <div>
            <label htmlFor="import-progress" className="text-sm">
              Importing {stage.done} of {stage.total}…
            </label>
            <progress id="import-progress" data-testid="import-progress" className="block w-full" max={stage.total} value={stage.done} />
          </div>
        ) : null}
        <div className="flex gap-2">
          {preview.problems.length ? null : (
            <button type="button" className="btn" disabled={importing} onClick={() => commit(preview)}>
              {importing ? "Importing…" : `Import ${preview.fresh} ${preview.fresh === 1 ? "member" : "members"}`}
            </button>
          )}
          <button type="button" className="btn-quiet" disabled={importing} onClick={() => setStage({ step: "choose" })}>
            Choose another file
          </button>
        </div>
      </div>
    );
  }

  const error = stage.step === "choose" ? stage.error : undefined;
  return (
    <form action={check} className="mt-6 space-y-3" noValidate>
      <label className="block text-sm font-medium">
        CSV file (UTF-8, at most 10 MB)
        <input name="file" type="file" accept=".csv,text/csv" className="field mt-1" {...fieldErrorProps("file", error ? [error] : undefined)} />
        <FieldError name="file" errors={error ? [error] : undefined} />
      </label>
      <button type="submit" className="btn" disabled={stage.step === "checking"}>
        {stage.step === "checking" ? "Checking the file…" : "Check file"}
      </button>
    </form>
  );
}

function Sample({ rows }: { rows: ImportPreview["sample"] }) {
  if (!rows.length) return null;
  return (
    <table className="w-full text-sm" data-testid="import-sample">
      <caption className="text-left text-gray-600">The first rows as they will be stored</caption>
      <thead>
        <tr className="text-left">
          <th>Row</th>
          <th>Name</th>
          <th>Email</th>
          <th>Phone</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.row}>
            <td>{r.row}</td>
            <td>
              {r.lastName}, {r.firstName}
            </td>
            <td>{r.email ?? "—"}</td>
            <td>{r.phone ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Report({ title, issues, testId }: { title: string; issues: RowIssue[]; testId: string }) {
  return (
    <div className="max-h-80 overflow-y-auto">
      <table className="w-full text-sm" data-testid={testId}>
        <caption className="text-left font-medium">
          {title} ({issues.length})
        </caption>
        <thead>
          <tr className="text-left">
            <th>Row</th>
            <th>Column</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue, i) => (
            <tr key={`${issue.row}-${issue.field}-${i}`}>
              <td>{issue.row}</td>
              <td>{issue.field}</td>
              <td>{issue.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
