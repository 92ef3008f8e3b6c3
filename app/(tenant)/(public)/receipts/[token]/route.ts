import { tenantRequest } from "@/lib/context/request";
import { receiptPdf } from "@/lib/donations/receipt-pdf";
import { routeHandler } from "@/lib/http/route-handler";
import { receiptDocumentByLink } from "@/lib/queries/donations";

/**
 * A donor's receipt PDF through the signed link in their email, without
 * signing in. An altered, expired or foreign link is a 404 and reads nothing.
 */
export const GET = routeHandler(async (_request, { params }: { params: Promise<{ token: string }> }) => {
  const { org } = await tenantRequest();
  const document = await receiptDocumentByLink(org.id, (await params).token);
  return new Response(new Uint8Array(await receiptPdf(document)), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${document.number}.pdf"`,
      "cache-control": "private, no-store",
      "referrer-policy": "no-referrer",
    },
  });
});
