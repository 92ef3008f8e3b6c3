"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Sends the chosen file as the request body to /batches/upload (streamed and
 * capped there), then opens the new batch's report; a refusal is shown beside
 * the file field.
 */
export function UploadForm({ locations }: { locations: { id: string; label: string }[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(form: FormData) {
    const file = form.get("file");
    const location = String(form.get("location") ?? "");
    if (!(file instanceof File) || file.size === 0 && file.name === "") {
      setError("Choose a file.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/batches/upload?location=${encodeURIComponent(location)}`, {
        method: "POST",
        body: file,
        headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(file.name) },
      });
      const answer = (await response.json().catch(() => ({}))) as { id?: string; error?: string; fieldErrors?: Record<string, string[]> };
      if (response.ok && answer.id) {
        router.push(`/batches/${answer.id}`);
        return;
      }
      setError(answer.fieldErrors?.file?.[0] ?? answer.error ?? `The upload failed (${response.status}).`);
    } catch {
      setError("The upload did not reach the server. Try again.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <form action={submit} className="mt-4 max-w-md space-y-4" data-testid="batch-upload">
      <label className="block">
        <span className="text-sm font-medium">Location</span>
        <select name="location" className="field mt-1" required>
          {locations.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="text-sm font-medium">CSV or Excel (.xlsx) file, at most 10 MB</span>
        <input type="file" name="file" accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" className="mt-1 block" aria-describedby="file-error" />
      </label>
      {error ? (
        <p id="file-error" role="alert" className="text-sm text-red-700" data-testid="upload-error">
          {error}
        </p>
      ) : null}
      <button type="submit" className="btn" disabled={busy}>
        {busy ? "Uploading…" : "Upload and check"}
      </button>
    </form>
  );
}
