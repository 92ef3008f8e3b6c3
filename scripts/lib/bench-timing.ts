/** A query's timing over repeated runs: the rows it returned and the median and 95th-percentile milliseconds. */
export type Timing = { rows: number; p50: number; p95: number };

/** Runs `fn` `warmup` times untimed, then `iterations` times timed; `fn` answers how many rows it read. */
export async function timeRuns(fn: () => Promise<number>, { warmup, iterations }: { warmup: number; iterations: number }): Promise<Timing> {
  let rows = 0;
  for (let i = 0; i < warmup; i++) rows = await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { rows, p50: samples[Math.floor(samples.length * 0.5)], p95: samples[Math.floor(samples.length * 0.95)] };
}

/**
 * Completed calls per second when `clients` callers each call `fn` back to
 * back for `seconds` (a closed loop: each waits for its previous call); a call
 * still running at the deadline is waited for and counted.
 */
export async function ratePerSecond(clients: number, seconds: number, fn: (client: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        await fn(client);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}
