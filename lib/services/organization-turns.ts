import { AsyncLocalStorage } from "node:async_hooks";

/**
 * One organisation's mutations take turns in this process, at most
 * IN_FLIGHT_PER_ORGANISATION at a time; the rest wait in memory. The audit
 * chain serialises an organisation's commits in the database anyway (its
 * lock is held from the append to the commit), so more in flight adds no
 * throughput — measured in `npm run bench:write` — while each one waiting on
 * that lock would hold a pooled connection: a storm in one organisation (a
 * webhook burst, a batch) would take the whole pool and every other
 * organisation's requests in the process would queue behind it. Two keeps the
 * lock busy: one appends while the next runs its change.
 *
 * This is fairness, not correctness: the chain's lock in the database is what
 * keeps the chain whole, across processes. A mutation that runs inside
 * another's turn for the same organisation does not wait for a second turn
 * (it could never get one while its caller holds it).
 */
const IN_FLIGHT_PER_ORGANISATION = 2;

const queues = new Map<string, { running: number; waiting: (() => void)[] }>();
const held = new AsyncLocalStorage<ReadonlySet<string>>();

export async function inTurn<T>(organizationId: string, fn: () => Promise<T>): Promise<T> {
  const mine = held.getStore();
  if (mine?.has(organizationId)) return fn();
  let queue = queues.get(organizationId);
  if (!queue) queues.set(organizationId, (queue = { running: 0, waiting: [] }));
  if (queue.running >= IN_FLIGHT_PER_ORGANISATION) await new Promise<void>((resolve) => queue.waiting.push(resolve));
  else queue.running += 1;
  try {
    return await held.run(new Set([...(mine ?? []), organizationId]), fn);
  } finally {
    const next = queue.waiting.shift();
    if (next) next();
    else if (--queue.running === 0) queues.delete(organizationId);
  }
}
