import { vi } from "vitest";

/** Collects what the code under test writes to stderr (our JSON error logs) while `fn` runs. */
export async function captureStderr<T>(fn: () => Promise<T>): Promise<{ lines: string[]; outcome: PromiseSettledResult<T> }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  });
  try {
    const [outcome] = await Promise.allSettled([fn()]);
    return { lines, outcome: outcome! };
  } finally {
    spy.mockRestore();
  }
}
