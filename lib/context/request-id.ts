import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * The request id: one per request, stamped by middleware on the request Next
 * hands on and on the response (`X-Request-Id`), and carried by every log line
 * written while the request's code runs (lib/log reads `currentRequestId()`).
 * A client's or proxy's own id is kept when it is sane, so a line in nginx's
 * log and ours can be matched; anything else gets a fresh UUID.
 *
 * Node's AsyncLocalStorage, not React's cache: the route and action wrappers,
 * middleware and the worker's jobs run inside `withRequestId`, and none of
 * them may import next/headers (jobs run outside Next).
 */
export const REQUEST_ID_HEADER = "x-request-id";

const SANE = /^[A-Za-z0-9._:-]{8,64}$/;
const store = new AsyncLocalStorage<string>();

/** The id a request arrived with, if it is one we can log verbatim; otherwise a new one. */
export function acceptRequestId(offered: string | null | undefined): string {
  return offered && SANE.test(offered) ? offered : randomUUID();
}

/** Runs `fn` with `id` as the current request id (for its log lines and the jobs it enqueues). */
export function withRequestId<T>(id: string, fn: () => T): T {
  return store.run(id, fn);
}

export function currentRequestId(): string | undefined {
  return store.getStore();
}
