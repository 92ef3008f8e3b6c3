import { routeHandler } from "@/lib/http/route-handler";
import { health } from "@/lib/queries/health";

export const dynamic = "force-dynamic";

/**
 * 503 when this app cannot serve: the database down, or code ahead of its
 * schema (a migration pending). A stopped or silent worker is "degraded" with
 * 200: pages still work, so a load balancer keeps the node, while an uptime
 * check (deploy/uptime-check.sh) and the deploy's health check, which want
 * "status":"ok", raise it.
 */
export const GET = routeHandler(async () => {
  const report = await health();
  const serving = report.db === "ok" && report.migrations !== "pending";
  return Response.json(report, { status: serving ? 200 : 503 });
});
