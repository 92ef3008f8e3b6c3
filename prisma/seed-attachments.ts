import PDFDocument from "pdfkit";
import type { Actor } from "../lib/authz/actor";
import { uploadAttachment } from "../lib/services/attachments";

/** A one-page PDF, made the way the app makes its own (pdfkit). */
function consentForm(name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: "Consent form", Producer: "Harambee demo" } });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.fontSize(18).text("Consent to register (demo)");
    doc.moveDown().fontSize(12).text(`${name} agrees to be registered with the Food Relief program.`);
    doc.end();
  });
}

/** The demo's attachment: a signed consent form on one Ikeja beneficiary, uploaded as the location admin would. */
export async function seedAttachments(uploader: Actor, beneficiary: { id: string; name: string }): Promise<void> {
  const body = await consentForm(beneficiary.name);
  await uploadAttachment(uploader, { parent: "beneficiary", parentId: beneficiary.id, fileName: "consent-form.pdf", body });
}
