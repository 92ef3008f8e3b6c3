"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { uploadFile } from "./upload-file";

export type AttachmentRow = { id: string; fileName: string; mime: string; bytes: number; createdAt: string };

/**
 * A parent's attachments, each a download link to the authorizing route, and
 * (for those who may add them) a form that sends the chosen file as the raw
 * request body to `<base>` (streamed, capped and checked by content there);
 * a refusal is shown beside the file field. The same people may remove one
 * (DELETE `<base>?file=<id>`); a refusal is shown under the list.
 */
export function AttachmentsPanel({ base, attachments, canUpload }: { base: string; attachments: AttachmentRow[]; canUpload: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  async function remove(attachment: AttachmentRow) {
    if (!window.confirm(`Remove ${attachment.fileName}? This cannot be undone.`)) return;
    setRemoveError(null);
    const answer = await fetch(`${base}?file=${attachment.id}`, { method: "DELETE" }).catch(() => null);
    if (answer?.ok) router.refresh();
    else setRemoveError(answer ? `${attachment.fileName} could not be removed (${answer.status}). Reload the page and try again.` : "The request did not reach the server. Try again.");
  }
  async function submit(form: FormData) {
    const file = form.get("file");
    if (!(file instanceof File) || file.name === "") {
      setError("Choose a file.");
      return;
    }
    setBusy(true);
    setError(null);
    const answer = await uploadFile(base, file);
    setBusy(false);
    if ("id" in answer) router.refresh();
    else setError(answer.error);
  }
  return (
    <div className="mt-8">
      <h2 className="text-lg font-semibold">Attachments</h2>
      {attachments.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600">No attachments yet.</p>
      ) : (
        <ul className="mt-2 space-y-1 text-sm" data-testid="attachments">
          {attachments.map((a) => (
            <li key={a.id}>
              <a href={`${base}?file=${a.id}`} download className="text-brand-700 hover:underline">
                {a.fileName}
              </a>{" "}
              <span className="text-gray-600">
                {a.mime} · {a.bytes.toLocaleString("en")} bytes · {a.createdAt.slice(0, 10)}
              </span>
              {canUpload && (
                <>
                  {" "}
                  <button type="button" className="text-sm text-red-700 hover:underline" aria-label={`Remove ${a.fileName}`} onClick={() => void remove(a)}>
                    Remove
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {removeError ? (
        <p role="alert" className="mt-2 text-sm text-red-700" data-testid="attachment-remove-error">
          {removeError}
        </p>
      ) : null}
      {canUpload && (
        <form action={submit} className="mt-4 max-w-md space-y-2" data-testid="attachment-upload">
          <label className="block">
            <span className="text-sm font-medium">Image (PNG, JPEG, WebP, GIF) or PDF, at most 10 MB</span>
            <input type="file" name="file" accept="image/png,image/jpeg,image/webp,image/gif,application/pdf" className="mt-1 block" aria-describedby="attachment-error" />
          </label>
          {error ? (
            <p id="attachment-error" role="alert" className="text-sm text-red-700" data-testid="attachment-error">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn" disabled={busy}>
            {busy ? "Uploading…" : "Attach"}
          </button>
        </form>
      )}
    </div>
  );
}
