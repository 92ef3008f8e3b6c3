"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { uploadFile } from "@/app/_components/upload-file";

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
    const answer = await uploadFile(`/batches/upload?location=${encodeURIComponent(location)}`, file);
    if ("id" in answer) {
      router.push(`/batches/${answer.id}`);
      return;
    }
    setError(answer.error);
    setBusy(false);
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
