import { memberRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { memberPaymentProgress } from "@/lib/queries/payment-progress";

/** How the member's M-Pesa attempt on their own invoice stands (polled while waiting for their phone). */
export const GET = routeHandler(async (request, { params }: { params: Promise<{ invoiceId: string }> }) => {
  const { actor } = await memberRequest();
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return Response.json(await memberPaymentProgress(actor, (await params).invoiceId, query), { headers: { "cache-control": "no-store" } });
});
