import { vi } from "vitest";

/** One JSON log line (lib/log.ts). */
export type LogLine = { level: string; message: string; [field: string]: unknown };

async function capture<T>(streams: NodeJS.WriteStream[], fn: () => Promise<T>): Promise<{ written: string[]; outcome: PromiseSettledResult<T> }> {
  const written: string[] = [];
  const spies = streams.map((stream) =>
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(...String(chunk).split("\n").filter(Boolean));
      return true;
    }),
  );
  try {
    const [outcome] = await Promise.allSettled([fn()]);
    return { written, outcome: outcome! };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** Collects what the code under test writes to stderr (our JSON error logs) while `fn` runs. */
export async function captureStderr<T>(fn: () => Promise<T>): Promise<{ lines: string[]; outcome: PromiseSettledResult<T> }> {
  const { written, outcome } = await capture([process.stderr], fn);
  return { lines: written, outcome };
}

/** The JSON log lines, info on stdout and warnings and errors on stderr, written while `fn` runs, parsed. */
export async function captureLogLines<T>(fn: () => Promise<T>): Promise<{ lines: LogLine[]; outcome: PromiseSettledResult<T> }> {
  const { written, outcome } = await capture([process.stdout, process.stderr], fn);
  return { lines: written.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as LogLine), outcome };
}
