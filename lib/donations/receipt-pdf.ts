import PDFDocument from "pdfkit";
import { formatMoney } from "../dues/money";

/**
 * Donor receipts and annual statements as PDF (pdfkit, its built-in
 * Helvetica, so no font file is read). Pure rendering: the caller has loaded
 * and authorised what is printed. Streams stay compressed (pdfkit's default).
 */
export type ReceiptDocument = {
  organizationName: string;
  number: string;
  kind: "RECEIPT" | "CANCELLATION";
  cancelsNumber: string | null;
  issuedAt: Date;
  donorName: string;
  donorAddress: string | null;
  amountMinor: number;
  currency: string;
  fund: string | null;
  method: string;
  receivedAt: Date | null;
  description: string | null;
};

export type StatementDocument = {
  organizationName: string;
  year: number;
  donorName: string;
  donorAddress: string | null;
  gifts: { date: Date; receiptNumber: string | null; fund: string | null; method: string; amountMinor: number; currency: string }[];
  totals: { currency: string; amountMinor: number }[];
};

const day = (date: Date) => date.toISOString().slice(0, 10);

function render(draw: (doc: PDFKit.PDFDocument) => void, title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: title, Producer: "Harambee" } });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    draw(doc);
    doc.end();
  });
}

export function receiptPdf(receipt: ReceiptDocument): Promise<Buffer> {
  const cancellation = receipt.kind === "CANCELLATION";
  return render((doc) => {
    doc.font("Helvetica-Bold").fontSize(18).text(receipt.organizationName);
    doc.moveDown(0.5).fontSize(14).text(cancellation ? "Cancellation of donation receipt" : "Donation receipt");
    doc.moveDown().font("Helvetica").fontSize(11);
    const rows: [string, string][] = [
      ["Receipt number", receipt.number],
      ...(receipt.cancelsNumber ? ([["Cancels receipt", receipt.cancelsNumber]] as [string, string][]) : []),
      ["Issued", day(receipt.issuedAt)],
      ["Received from", receipt.donorName],
      ...(receipt.donorAddress ? ([["Address", receipt.donorAddress]] as [string, string][]) : []),
      ["Amount", formatMoney(receipt.amountMinor, receipt.currency)],
      ["Given by", receipt.method],
      ...(receipt.description ? ([["Gift", receipt.description]] as [string, string][]) : []),
      ["Fund", receipt.fund ?? "General fund"],
      ...(receipt.receivedAt ? ([["Received on", day(receipt.receivedAt)]] as [string, string][]) : []),
    ];
    for (const [label, value] of rows) doc.text(`${label}: ${value}`);
    doc.moveDown();
    doc.text(cancellation ? "The receipt named above is cancelled and no longer valid." : `Thank you for your gift to ${receipt.organizationName}.`);
  }, receipt.number);
}

export function statementPdf(statement: StatementDocument): Promise<Buffer> {
  return render((doc) => {
    doc.font("Helvetica-Bold").fontSize(18).text(statement.organizationName);
    doc.moveDown(0.5).fontSize(14).text(`Annual donation statement ${statement.year}`);
    doc.moveDown().font("Helvetica").fontSize(11).text(`Donor: ${statement.donorName}`);
    if (statement.donorAddress) doc.text(`Address: ${statement.donorAddress}`);
    doc.moveDown();
    for (const gift of statement.gifts) {
      doc.text(`${day(gift.date)}  ${gift.receiptNumber ?? "-"}  ${gift.method}  ${gift.fund ?? "General fund"}  ${formatMoney(gift.amountMinor, gift.currency)}`);
    }
    if (statement.gifts.length === 0) doc.text("No gifts this year.");
    doc.moveDown().font("Helvetica-Bold");
    for (const total of statement.totals) doc.text(`Total ${statement.year}: ${formatMoney(total.amountMinor, total.currency)}`);
  }, `Statement ${statement.year}`);
}
