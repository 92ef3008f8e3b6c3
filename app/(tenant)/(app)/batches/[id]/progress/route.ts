import { memberRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { batchProgress } from "@/lib/queries/batches";

/** How a batch's import stands (polled by the progress bar). */
export const GET = routeHandler(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { actor } = await memberRequest();
  return Response.json(await batchProgress(actor, (await params).id), { headers: { "cache-control": "no-store" } });
});
