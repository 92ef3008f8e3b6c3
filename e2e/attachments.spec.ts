import { expect, test } from "@playwright/test";
import { HTML, PDF, PNG, pdfOfSize } from "../tests/support/attachment-files";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { sessionCookie } from "./support/fuzz";

/**
 * Attachments in the browser on the seeded NGO (promises M6.6, M6.2): the
 * location admin of Ikeja attaches a PDF to a beneficiary and downloads it;
 * over raw HTTP, the byte cap, content sniffing, the download's headers and
 * another organisation's 404.
 */
const SLUG = "ikeja-relief";
const HOST = `${SLUG}.localhost:${PORT}`;
const LOCATION_ADMIN = `location-admin@${SLUG}.test`;


/** A beneficiary registered at Ikeja (in the location admin's reach). */
async function ikejaBeneficiary(): Promise<string> {
  const db = await connectOwner();
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT b.id FROM beneficiary b JOIN location l ON l.id = b.location_id JOIN organization o ON o.id = b.organization_id
        WHERE o.slug = $1 AND l.name = 'Ikeja' ORDER BY b.created_at, b.id LIMIT 1`,
      [SLUG],
    );
    return rows[0]!.id;
  } finally {
    await db.end();
  }
}

const upload = (cookie: string, beneficiary: string, body: Buffer, fileName: string, chunked = false) =>
  rawRequest({
    host: HOST,
    path: `/beneficiaries/${beneficiary}/attachments`,
    method: "POST",
    headers: {
      cookie,
      origin: `http://${HOST}`,
      "sec-fetch-site": "same-origin",
      "content-type": "application/octet-stream",
      ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) }),
      "x-file-name": encodeURIComponent(fileName),
    },
    body,
  });

const download = (cookie: string, beneficiary: string, id: string, host = HOST) => rawRequest({ host, path: `/beneficiaries/${beneficiary}/attachments?file=${id}`, headers: { cookie } });

test("[M6.6] [M6.2] a location admin attaches a PDF to a beneficiary, downloads it, and it comes as an attachment with nosniff and its real type", async ({ page }) => {
  const beneficiary = await ikejaBeneficiary();
  await signIn(page, SLUG, LOCATION_ADMIN);
  await page.goto(tenantUrl(SLUG, `/beneficiaries/${beneficiary}`));
  const name = `consent-${Date.now()}.pdf`;
  await page.getByTestId("attachment-upload").locator('input[type="file"]').setInputFiles({ name, mimeType: "application/pdf", buffer: PDF });
  await page.getByRole("button", { name: "Attach" }).click();
  const link = page.getByTestId("attachments").getByRole("link", { name });
  await expect(link).toBeVisible();

  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(file.suggestedFilename()).toBe(name);
  const saved = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of saved) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks)).toEqual(PDF);

  // The headers as the browser receives them (Node's fetch does not resolve *.localhost).
  const href = (await link.getAttribute("href"))!;
  const headers = await page.evaluate(async (url) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get("content-type"), disposition: response.headers.get("content-disposition"), nosniff: response.headers.get("x-content-type-options") };
  }, href);
  expect(headers).toEqual({ status: 200, type: "application/pdf", disposition: expect.stringContaining(`attachment; filename="${name}"`), nosniff: "nosniff" });

  // A disguised web page is refused beside the field, and nothing new is listed.
  await page.getByTestId("attachment-upload").locator('input[type="file"]').setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: HTML });
  await page.getByRole("button", { name: "Attach" }).click();
  await expect(page.getByTestId("attachment-error")).toContainText("image (PNG, JPEG, WebP, GIF) or a PDF");
  await expect(page.getByTestId("attachments").getByRole("link", { name: "scan.pdf" })).toHaveCount(0);
});

test("[M6.6] exactly 10,485,760 bytes are accepted, one more is 413; HTML, SVG and disguised files are refused; another organisation gets 404", async () => {
  test.setTimeout(120_000);
  const cookie = await sessionCookie(SLUG, LOCATION_ADMIN);
  const beneficiary = await ikejaBeneficiary();
  expect((await upload(cookie, beneficiary, pdfOfSize(10_485_760), "exact.pdf")).status).toBe(201);
  expect((await upload(cookie, beneficiary, pdfOfSize(10_485_761), "over.pdf")).status).toBe(413);
  expect((await upload(cookie, beneficiary, pdfOfSize(10_485_761), "over.pdf", true)).status).toBe(413);
  for (const [body, name] of [
    [HTML, "page.html"],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "logo.svg"],
    [Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]), "photo.png"],
    [HTML, "scan.pdf"],
  ] as const) {
    const refused = await upload(cookie, beneficiary, body, name);
    expect(refused.status, name).toBe(400);
  }
  const png = await upload(cookie, beneficiary, PNG, "photo.png");
  expect(png.status).toBe(201);
  const { id } = JSON.parse(png.body) as { id: string };
  expect((await download(cookie, beneficiary, id)).status).toBe(200);
  // Kilimani's admin asks for Ikeja's file on their own host: the object is not theirs, so it does not exist.
  const foreign = await sessionCookie("kilimani", "admin@kilimani.test");
  expect((await download(foreign, beneficiary, id, `kilimani.localhost:${PORT}`)).status).toBe(404);
});

test("[M6.2] a download is always an attachment of its sniffed type with nosniff, whatever it was called", async () => {
  const cookie = await sessionCookie(SLUG, LOCATION_ADMIN);
  const beneficiary = await ikejaBeneficiary();
  const answer = await upload(cookie, beneficiary, PNG, "looks-like-a-page.html");
  expect(answer.status).toBe(201);
  const served = await download(cookie, beneficiary, (JSON.parse(answer.body) as { id: string }).id);
  expect(served.status).toBe(200);
  expect(served.headers["content-type"]).toBe("image/png");
  expect(served.headers["content-disposition"]).toMatch(/^attachment; filename="looks-like-a-page.html"/);
  expect(served.headers["x-content-type-options"]).toBe("nosniff");
});

test("[M6.6] the location admin removes an attachment with its Remove button; a viewer has none, and a forged or foreign removal is the 404 and removes nothing", async ({ page }) => {
  const beneficiary = await ikejaBeneficiary();
  await signIn(page, SLUG, LOCATION_ADMIN);
  await page.goto(tenantUrl(SLUG, `/beneficiaries/${beneficiary}`));
  const name = `to-remove-${Date.now()}.png`;
  await page.getByTestId("attachment-upload").locator('input[type="file"]').setInputFiles({ name, mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "Attach" }).click();
  const link = page.getByTestId("attachments").getByRole("link", { name });
  await expect(link).toBeVisible();
  const id = new URL((await link.getAttribute("href"))!, "http://x").searchParams.get("file")!;

  // Nobody else removes it: a viewer (reads, cannot write) sees no button and is refused; so is another organisation.
  const viewer = await sessionCookie(SLUG, `viewer@${SLUG}.test`);
  const viewerPage = await rawRequest({ host: HOST, path: `/beneficiaries/${beneficiary}`, headers: { cookie: viewer } });
  expect(viewerPage.status).toBe(200);
  expect(viewerPage.body).toContain(name);
  expect(viewerPage.body).not.toContain(`Remove ${name}`);
  const removal = (cookie: string, host = HOST) =>
    rawRequest({ host, path: `/beneficiaries/${beneficiary}/attachments?file=${id}`, method: "DELETE", headers: { cookie, origin: `http://${host}`, "sec-fetch-site": "same-origin" } });
  expect((await removal(viewer)).status).toBe(404);
  expect((await removal(await sessionCookie("kilimani", "admin@kilimani.test"), `kilimani.localhost:${PORT}`)).status).toBe(404);
  const db = await connectOwner();
  try {
    expect((await db.query("SELECT 1 FROM attachment WHERE id = $1", [id])).rowCount).toBe(1);

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Remove ${name}` }).click();
    await expect(link).toHaveCount(0);
    expect((await db.query("SELECT 1 FROM attachment WHERE id = $1", [id])).rowCount).toBe(0);
    const { rows } = await db.query<{ action: string }>("SELECT action FROM audit_entry WHERE target_id = $1 ORDER BY seq", [id]);
    expect(rows.map((r) => r.action)).toEqual(["beneficiary.attachment.add", "beneficiary.attachment.remove"]);
    // Its bytes are gone with it.
    expect((await download(await sessionCookie(SLUG, LOCATION_ADMIN), beneficiary, id)).status).toBe(404);
  } finally {
    await db.end();
  }
});
