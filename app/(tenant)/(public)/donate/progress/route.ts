import { tenantRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { donationProgress } from "@/lib/queries/donations";
import { donationProgressInput } from "@/lib/schemas/donations";
import { receiptDownloadLink } from "@/lib/services/donor-receipts";
import { notFoundError } from "@/lib/errors";

/** How a public M-Pesa gift stands, by its payment's id; with the receipt's signed link once issued. */
export const GET = routeHandler(async (request) => {
  const { org } = await tenantRequest();
  const parsed = donationProgressInput.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw notFoundError();
  const progress = await donationProgress(org.id, parsed.data.payment, (receiptId) => receiptDownloadLink(org.slug, org.id, receiptId));
  return Response.json(progress, { headers: { "cache-control": "no-store" } });
});
