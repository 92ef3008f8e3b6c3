import { memberRequest } from "@/lib/context/request";
import { statementPdf } from "@/lib/donations/receipt-pdf";
import { routeHandler } from "@/lib/http/route-handler";
import { annualStatement } from "@/lib/queries/donations";
import { statementQuery } from "@/lib/schemas/donations";
import { readQuery } from "@/lib/schemas/query";

/** A donor's annual statement as PDF, for readers of donations. */
export const GET = routeHandler(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const { year } = readQuery(statementQuery, Object.fromEntries(new URL(request.url).searchParams));
  const { actor } = await memberRequest();
  const statement = await annualStatement(actor, id, year);
  return new Response(new Uint8Array(await statementPdf(statement)), {
    headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="statement-${statement.year}.pdf"`, "cache-control": "private, no-store" },
  });
});
