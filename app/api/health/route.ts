import { routeHandler } from "@/lib/http/route-handler";
import { databaseIsUp } from "@/lib/queries/health";

export const dynamic = "force-dynamic";

export const GET = routeHandler(async () => {
  const up = await databaseIsUp();
  return Response.json({ status: up ? "ok" : "degraded", db: up ? "ok" : "down" }, { status: up ? 200 : 503 });
});
