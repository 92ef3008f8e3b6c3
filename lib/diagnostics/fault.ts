import { env } from "../env";

/**
 * Deliberate failures, so the production-build tests can prove what a user
 * sees when something breaks (promise M6.7). Off unless
 * HARAMBEE_FAULT_INJECTION=1, which the end-to-end server sets and a
 * deployment never should; off, the fault routes are plain 404s.
 */
export function faultInjectionEnabled(): boolean {
  return env().HARAMBEE_FAULT_INJECTION === "1";
}

/** Worded like the internals that must never reach a user: SQL, a file path, a stack. */
export function injectedFault(where: string): Error {
  return new Error(`Injected fault in ${where}: SELECT "nin" FROM "beneficiary" failed at /srv/harambee/lib/queries/fault.ts:1`);
}
