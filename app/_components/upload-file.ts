/**
 * Sends a chosen file as a request's raw body (its name in `x-file-name`) to
 * an upload route, which streams, caps and checks it by content. The answer:
 * the new object's id, or the message to show beside the file field.
 */
export async function uploadFile(url: string, file: File): Promise<{ id: string } | { error: string }> {
  try {
    const response = await fetch(url, { method: "POST", body: file, headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(file.name) } });
    const answer = (await response.json().catch(() => ({}))) as { id?: string; error?: string; fieldErrors?: Record<string, string[]> };
    if (response.ok && answer.id) return { id: answer.id };
    return { error: answer.fieldErrors?.file?.[0] ?? answer.error ?? `The upload failed (${response.status}).` };
  } catch {
    return { error: "The upload did not reach the server. Try again." };
  }
}
