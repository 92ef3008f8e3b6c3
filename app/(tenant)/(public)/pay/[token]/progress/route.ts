import { tenantRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { linkPaymentProgress } from "@/lib/queries/payment-progress";

/** How an M-Pesa attempt on a pay link's invoice stands; an expired or altered link is not found. */
export const GET = routeHandler(async (request, { params }: { params: Promise<{ token: string }> }) => {
  const { org } = await tenantRequest();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return Response.json(await linkPaymentProgress(org.id, (await params).token, query), { headers: { "cache-control": "no-store" } });
});
