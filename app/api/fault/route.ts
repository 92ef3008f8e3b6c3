import { faultInjectionEnabled, injectedFault } from "@/lib/diagnostics/fault";
import { notFoundError } from "@/lib/errors";
import { routeHandler } from "@/lib/http/route-handler";

export const dynamic = "force-dynamic";

/** A route handler that fails on purpose when fault injection is on (promise M6.7). */
export const GET = routeHandler(() => {
  if (!faultInjectionEnabled()) throw notFoundError();
  throw injectedFault("a route handler");
});
