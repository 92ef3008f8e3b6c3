/**
 * A request's body as it arrives, chunk by chunk, for a reader that stops
 * early (a size cap, a bad header): stopping cancels the rest of the body.
 */
export async function* bodyChunks(request: Request): AsyncGenerator<Uint8Array> {
  const reader = request.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Not awaited: cancelling a body that is still arriving must not hold up the answer.
    reader.cancel().catch(() => undefined);
  }
}
