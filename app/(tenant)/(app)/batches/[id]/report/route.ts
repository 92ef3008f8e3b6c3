import { memberRequest } from "@/lib/context/request";
import { routeHandler } from "@/lib/http/route-handler";
import { batchReportRows } from "@/lib/queries/batches";

/** The validation report as CSV: each row not imported, with its verdict and reasons (never its values). */
export const GET = routeHandler(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { actor } = await memberRequest();
  const id = (await params).id;
  const rows = await batchReportRows(actor, id);
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  const csv = ["row,status,reasons", ...rows.map((r) => `${r.rowNumber},${r.status.toLowerCase()},${quote(r.errors ?? "")}`)].join("\r\n") + "\r\n";
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="batch-${id}-report.csv"`, "cache-control": "no-store" },
  });
});
