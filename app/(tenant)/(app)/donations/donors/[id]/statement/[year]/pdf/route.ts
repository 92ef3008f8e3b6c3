import { memberRequest } from "@/lib/context/request";
import { statementPdf } from "@/lib/donations/receipt-pdf";
import { routeHandler } from "@/lib/http/route-handler";
import { annualStatement } from "@/lib/queries/donations";

/** A donor's annual statement as PDF, for readers of donations. */
export const GET = routeHandler(async (_request, { params }: { params: Promise<{ id: string; year: string }> }) => {
  const { id, year } = await params;
  const { actor } = await memberRequest();
  const statement = await annualStatement(actor, id, year);
  return new Response(new Uint8Array(await statementPdf(statement)), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="statement-${statement.year}.pdf"`, "cache-control": "private, no-store" },
  });
});
