/**
 * A request body read as a stream and counted, refused the moment it passes
 * its cap: nothing past `limit` bytes is ever held, whatever Content-Length
 * claims (a client may lie or send none).
 */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024; // 10,485,760 (promise M6.6)

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

export async function readCappedBody(request: Request, limit = UPLOAD_LIMIT_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw new PayloadTooLargeError(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The 413 answer, the same from every upload route. */
export const payloadTooLarge = (limit = UPLOAD_LIMIT_BYTES) =>
  Response.json({ error: `The file is larger than ${limit.toLocaleString("en")} bytes (10 MB).` }, { status: 413 });
