import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { contentDisposition } from "@/lib/http/content-disposition";
import { attachmentToServe, listAttachments } from "@/lib/queries/attachments";
import { removeAttachment, uploadAttachment } from "@/lib/services/attachments";
import { createBeneficiary } from "@/lib/services/beneficiaries";
import { createMember } from "@/lib/services/members";
import { createLocation, createProgram } from "@/lib/services/programs";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { storageRoot } from "@/lib/storage";
import { PayloadTooLargeError, UPLOAD_LIMIT_BYTES, readCappedBody } from "@/lib/uploads/capped-body";
import { HTML, PDF, PNG, SVG, ZIP, pdfOfSize } from "./support/attachment-files";
import { connectAs } from "./support/database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";

let home: TestOrganization;
let other: TestOrganization;
let beneficiaryId: string;
let caseId: string;

beforeAll(async () => {
  home = await createTestOrganization("attach", "NGO");
  other = await createTestOrganization("attach-other", "NGO");
  const program = (await createProgram(home.actors.ADMIN, { name: "Food Relief" })) as { id: string };
  const location = (await createLocation(home.actors.ADMIN, { programId: program.id, name: "Ikeja" })) as { id: string };
  beneficiaryId = ((await createBeneficiary(home.actors.ADMIN, { locationId: location.id, firstName: "Ada", lastName: "Obi", householdSize: 4 })) as { id: string }).id;
  const member = (await createMember(home.actors.ADMIN, { firstName: "Wanjiru", lastName: "Kamau" })) as { id: string };
  caseId = ((await openWelfareCase(home.actors.TREASURER, { memberId: member.id, title: "Hospital bill", notes: "Confidential" })) as { id: string }).id;
});
afterAll(() => disconnectAll());

const attachToBeneficiary = (body: Buffer, fileName: string, who = home.actors.ADMIN) => uploadAttachment(who, { parent: "beneficiary", parentId: beneficiaryId, fileName, body });
const stored = (key: string) => readFile(path.join(storageRoot({ STORAGE_DIR: process.env.STORAGE_DIR }), ...key.split("/")));

async function rowCount(): Promise<number> {
  const owner = await connectAs("owner");
  try {
    return (await owner.query("SELECT count(*)::int AS n FROM attachment WHERE organization_id = $1", [home.id])).rows[0].n as number;
  } finally {
    await owner.end();
  }
}

describe("[M6.6] attachments are images or PDF by content, capped at 10 MB, stored under the organisation's prefix", () => {
  test("a PNG and a PDF are accepted with their real type, size and SHA-256, under <org>/beneficiaries/<id>/attachments/<id>", async () => {
    const png = await attachToBeneficiary(PNG, "photo.png");
    const pdf = await attachToBeneficiary(PDF, "id card.pdf");
    expect(png).toMatchObject({ mime: "image/png", bytes: PNG.length, sha256: createHash("sha256").update(PNG).digest("hex") });
    expect(pdf).toMatchObject({ mime: "application/pdf", bytes: PDF.length });
    const served = await attachmentToServe(home.actors.VIEWER, "beneficiary", beneficiaryId, pdf.id);
    expect(served.storageKey).toBe(`${home.id}/beneficiaries/${beneficiaryId}/attachments/${pdf.id}`);
    expect(served.fileName).toBe("id card.pdf");
    expect(await stored(served.storageKey)).toEqual(PDF);
    const listed = await listAttachments(home.actors.ADMIN, "beneficiary", beneficiaryId);
    expect(listed.map((a) => a.id).sort()).toEqual([png.id, pdf.id].sort());
  });

  test("HTML, SVG, a ZIP renamed .png and an HTML page renamed .pdf are refused and nothing is recorded", async () => {
    const before = await rowCount();
    for (const [body, name] of [[HTML, "page.html"], [SVG, "logo.svg"], [ZIP, "photo.png"], [HTML, "scan.pdf"]] as const) {
      await expect(attachToBeneficiary(body, name)).rejects.toMatchObject({ code: "INVALID", fieldErrors: { file: [expect.stringContaining("image (PNG, JPEG, WebP, GIF) or a PDF")] } });
    }
    expect(await rowCount()).toBe(before);
  });

  test("exactly 10,485,760 bytes are read and stored; one byte more is refused as too large while streaming", async () => {
    const exact = pdfOfSize(UPLOAD_LIMIT_BYTES);
    const chunked = (bytes: Buffer) =>
      new Request("http://test/upload", {
        method: "POST",
        duplex: "half",
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.subarray(i, i + 65_536));
            controller.close();
          },
        }),
      } as RequestInit);
    const body = await readCappedBody(chunked(exact));
    expect(body.length).toBe(10_485_760);
    expect((await attachToBeneficiary(body, "big.pdf")).bytes).toBe(10_485_760);
    await expect(readCappedBody(chunked(pdfOfSize(UPLOAD_LIMIT_BYTES + 1)))).rejects.toBeInstanceOf(PayloadTooLargeError);
  });

  test("another organisation, and a role that does not reach the beneficiary, get not-found for the list, the file and the upload", async () => {
    const { id } = await attachToBeneficiary(PNG, "photo.png");
    // Another organisation's admin, a member (no beneficiaries:read), a field manager who did not register the person.
    for (const who of [other.actors.ADMIN, home.actors.MEMBER, home.actors.FIELD_MANAGER]) {
      await expect(attachmentToServe(who, "beneficiary", beneficiaryId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(listAttachments(who, "beneficiary", beneficiaryId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(attachToBeneficiary(PNG, "x.png", other.actors.ADMIN)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(attachToBeneficiary(PNG, "x.png", home.actors.FIELD_MANAGER)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A viewer reads it (beneficiaries:read, organisation reach) but may not add one.
    await expect(attachmentToServe(home.actors.VIEWER, "beneficiary", beneficiaryId, id)).resolves.toMatchObject({ id });
    await expect(attachToBeneficiary(PNG, "x.png", home.actors.VIEWER)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a welfare case's attachments are as confidential as its notes: creator, admin and owner read them, a viewer gets not-found", async () => {
    const attached = await uploadAttachment(home.actors.TREASURER, { parent: "welfare", parentId: caseId, fileName: "bill.pdf", body: PDF });
    const served = await attachmentToServe(home.actors.ADMIN, "welfare", caseId, attached.id);
    expect(served.storageKey).toBe(`${home.id}/welfare/${caseId}/attachments/${attached.id}`);
    await expect(attachmentToServe(home.actors.OWNER, "welfare", caseId, attached.id)).resolves.toMatchObject({ mime: "application/pdf" });
    for (const who of [home.actors.VIEWER, home.actors.MEMBER, other.actors.OWNER]) {
      await expect(attachmentToServe(who, "welfare", caseId, attached.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(listAttachments(who, "welfare", caseId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // The same id asked for under the wrong parent is missing too.
    await expect(attachmentToServe(home.actors.ADMIN, "beneficiary", beneficiaryId, attached.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("removing an attachment is audited and deletes the stored object", async () => {
    const { id } = await attachToBeneficiary(PNG, "photo.png");
    const { storageKey } = await attachmentToServe(home.actors.ADMIN, "beneficiary", beneficiaryId, id);
    await removeAttachment(home.actors.ADMIN, "beneficiary", { id, parentId: beneficiaryId });
    await expect(attachmentToServe(home.actors.ADMIN, "beneficiary", beneficiaryId, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(stored(storageKey)).rejects.toMatchObject({ code: "ENOENT" });
    const owner = await connectAs("owner");
    try {
      const { rows } = await owner.query("SELECT action FROM audit_entry WHERE organization_id = $1 AND target_id = $2 ORDER BY seq", [home.id, id]);
      expect(rows.map((r) => r.action)).toEqual(["beneficiary.attachment.add", "beneficiary.attachment.remove"]);
    } finally {
      await owner.end();
    }
  });
});

describe("[M6.2] an uploaded page is never served inline", () => {
  test("an HTML or SVG payload is refused under any name, so there is nothing to serve; what is served carries its sniffed type", async () => {
    for (const name of ["page.html", "scan.pdf", "photo.png", "notes.txt", "image.svg"]) {
      for (const body of [HTML, SVG]) await expect(attachToBeneficiary(body, name)).rejects.toMatchObject({ code: "INVALID" });
    }
    const { id } = await attachToBeneficiary(PNG, "looks-like-a-page.html");
    expect(await attachmentToServe(home.actors.ADMIN, "beneficiary", beneficiaryId, id)).toMatchObject({ mime: "image/png", fileName: "looks-like-a-page.html" });
  });

  test("the download's disposition is always attachment, with a name that cannot break out of its quotes or the header", () => {
    expect(contentDisposition("id card.pdf")).toBe(`attachment; filename="id card.pdf"; filename*=UTF-8''id%20card.pdf`);
    const hostile = contentDisposition('x".html\r\nContent-Type: text/html; é');
    expect(hostile).toMatch(/^attachment; filename="x_\.html__Content-Type: text\/html; _"; filename\*=UTF-8''/);
    expect(hostile).not.toMatch(/[\r\n]/);
  });
});
