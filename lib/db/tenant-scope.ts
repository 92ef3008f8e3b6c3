import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

/**
 * Sends a tenant transaction's `set_config('app.org_id', …, true)` in the same
 * round trip as its BEGIN: one simple-protocol message, two statements. Prisma
 * opens the transaction itself (the adapter sends a bare "BEGIN" on the pooled
 * connection), so the tenant rides along in async context: `withTenant` runs
 * its transaction inside `tenantScope.run(…)` and the pool's connections
 * rewrite that one BEGIN. `applied` tells `withTenant` it happened; when it
 * did not (a client built without this pool), it sends set_config itself.
 */
export type TenantScope = { organizationId: string; applied: boolean };

const globalScope = globalThis as unknown as { harambeeTenantScope?: AsyncLocalStorage<TenantScope> };

/**
 * One store per process, like the Prisma clients (lib/db/clients.ts): Next's
 * production build can instantiate this module more than once (one copy per
 * server layer), and the pooled connections, made by whichever copy asked
 * first, must read the store `withTenant` writes from any copy.
 */
export const tenantScope = (globalScope.harambeeTenantScope ??= new AsyncLocalStorage<TenantScope>());

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type QueryConfig = { text?: unknown; values?: unknown[] };

/** A pg connection that adds the scope's tenant to the first BEGIN it sends inside `tenantScope`. */
export class TenantScopedClient extends pg.Client {
  // pg's query() has many overloads; only the object form Prisma's adapter uses is rewritten.
  query(...args: unknown[]): never {
    const scope = tenantScope.getStore();
    const config = args[0] as QueryConfig | undefined;
    // Only a UUID is inlined (escaped as well): anything else keeps the parameterised set_config.
    if (scope && !scope.applied && config?.text === "BEGIN" && !config.values?.length && UUID.test(scope.organizationId)) {
      scope.applied = true;
      args[0] = { ...config, text: `BEGIN; SELECT set_config('app.org_id', ${this.escapeLiteral(scope.organizationId)}, true)` };
    }
    return (pg.Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
  }
}
