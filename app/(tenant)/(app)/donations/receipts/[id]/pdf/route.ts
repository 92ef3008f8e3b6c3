import { memberRequest } from "@/lib/context/request";
import { receiptPdf } from "@/lib/donations/receipt-pdf";
import { routeHandler } from "@/lib/http/route-handler";
import { receiptDocument } from "@/lib/queries/donations";

/** A receipt's PDF for readers of donations (the donor's own door is /receipts/<signed token>). */
export const GET = routeHandler(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const { actor } = await memberRequest();
  const document = await receiptDocument(actor, (await params).id);
  return new Response(new Uint8Array(await receiptPdf(document)), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${document.number}.pdf"`, "cache-control": "private, no-store" },
  });
});
