import { expect, test } from "@playwright/test";
import { beneficiaryFile, beneficiaryRows } from "../prisma/seed-batches";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { sessionCookie } from "./support/fuzz";

/**
 * Beneficiary batches in the browser (promise P6) on the seeded NGO: the
 * location admin of Ikeja uploads a file, reads the report, processes the
 * valid rows and watches the worker import them; plus the upload route's
 * limits over raw HTTP (M6.6): the exact byte cap and content sniffing.
 */
const SLUG = "ikeja-relief";
const HOST = `${SLUG}.localhost:${PORT}`;
const LOCATION_ADMIN = `location-admin@${SLUG}.test`;
// NIN prefixes the seed (71000–73000) and other runs do not use.
const prefix = () => 40000 + Math.floor(Math.random() * 29000);


async function ikejaId(): Promise<string> {
  const db = await connectOwner();
  try {
    const { rows } = await db.query<{ id: string }>(
      "SELECT l.id FROM location l JOIN organization o ON o.id = l.organization_id WHERE o.slug = $1 AND l.name = 'Ikeja'",
      [SLUG],
    );
    return rows[0]!.id;
  } finally {
    await db.end();
  }
}

/** Posts a file as the upload form does; `chunked` sends no Content-Length, so only counting the body can catch its size. */
const upload = (cookie: string, location: string, body: Buffer, chunked = false) =>
  rawRequest({
    host: HOST,
    path: `/batches/upload?location=${location}`,
    method: "POST",
    headers: {
      cookie,
      origin: `http://${HOST}`,
      "sec-fetch-site": "same-origin",
      "content-type": "application/octet-stream",
      ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) }),
      "x-file-name": "people.csv",
    },
    body,
  });

test("[P6] a location admin uploads 2,000 rows with 50 bad, reads the report, processes them and sees 1,950 more beneficiaries in their location only", async ({ page }) => {
  test.setTimeout(300_000);
  const file = beneficiaryFile(2000, { prefix: prefix(), bad: 50 });
  const location = await ikejaId();
  const db = await connectOwner();
  const inIkeja = async () => Number((await db.query("SELECT count(*) FROM beneficiary WHERE location_id = $1", [location])).rows[0].count);
  const elsewhere = async () => Number((await db.query("SELECT count(*) FROM beneficiary b JOIN organization o ON o.id = b.organization_id WHERE o.slug = $1 AND location_id <> $2", [SLUG, location])).rows[0].count);
  try {
    // The seed leaves a batch in progress; the worker's resume job finishes it within a minute or so of starting.
    await expect
      .poll(async () => Number((await db.query("SELECT count(*) FROM beneficiary_batch b JOIN organization o ON o.id = b.organization_id WHERE o.slug = $1 AND b.status IN ('QUEUED', 'PROCESSING')", [SLUG])).rows[0].count), { timeout: 150_000 })
      .toBe(0);
    const [ikejaBefore, elsewhereBefore] = [await inIkeja(), await elsewhere()];
    await signIn(page, SLUG, LOCATION_ADMIN);
    await page.goto(tenantUrl(SLUG, "/beneficiaries"));
    await expect(page.getByTestId("beneficiary-total")).toHaveText(String(ikejaBefore));

    await page.getByRole("link", { name: "Batches" }).click();
    const template = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download the template" }).click();
    expect((await template).suggestedFilename()).toBe("beneficiary-batch-template.csv");

    await page.getByLabel("CSV or Excel (.xlsx) file, at most 10 MB").setInputFiles({ name: "ikeja-june.csv", mimeType: "text/csv", buffer: Buffer.from(file.csv) });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await expect(page.getByTestId("batch-name")).toHaveText("ikeja-june.csv", { timeout: 60_000 });
    await expect(page.getByTestId("count-received")).toHaveText("2,000");
    await expect(page.getByTestId("count-valid")).toHaveText("1,950");
    await expect(page.getByTestId("count-rejected")).toHaveText("50");
    await expect(page.getByTestId("batch-report").locator("tbody tr")).toHaveCount(50);
    await expect(page.getByTestId("batch-report")).toContainText("nin: NIN must be 11 digits");
    const report = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download the report (CSV)" }).click();
    const reportText = await (await (await report).createReadStream()).toArray();
    expect(Buffer.concat(reportText).toString("utf8").trim().split("\r\n")).toHaveLength(51);

    await page.getByRole("button", { name: "Process 1,950 valid rows" }).click();
    const progress = page.getByTestId("batch-progress");
    await expect(progress).toBeVisible();
    await expect(page.getByTestId("progress-percent")).toHaveText("100 %", { timeout: 240_000 });
    await expect(page.getByTestId("batch-status")).toHaveText("Processed");
    await expect(page.getByTestId("count-imported")).toHaveText("1,950");

    // Only this batch's people, all at Ikeja: the location admin now sees exactly 1,950 more, nobody elsewhere changed.
    const batchId = page.url().split("/").at(-1)!;
    const mine = await db.query<{ location_id: string; n: number }>(
      "SELECT location_id, count(*)::int AS n FROM beneficiary WHERE batch_row_id IN (SELECT id FROM beneficiary_batch_row WHERE batch_id = $1) GROUP BY location_id",
      [batchId],
    );
    expect(mine.rows).toEqual([{ location_id: location, n: 1950 }]);
    expect(await inIkeja()).toBe(ikejaBefore + 1950);
    await page.goto(tenantUrl(SLUG, "/beneficiaries"));
    await expect(page.getByTestId("beneficiary-total")).toHaveText(String(ikejaBefore + 1950));
    expect(await elsewhere()).toBe(elsewhereBefore);
    const duplicates = await db.query(
      "SELECT count(*)::int AS n FROM (SELECT nin_index FROM beneficiary WHERE nin_index IS NOT NULL GROUP BY organization_id, nin_index HAVING count(*) > 1) d",
    );
    expect(duplicates.rows[0].n).toBe(0);
  } finally {
    await db.end();
  }
});

test("[M6.6] the upload takes exactly 10,485,760 bytes; one more is 413; a ZIP or an HTML page renamed .csv is refused", async () => {
  test.setTimeout(180_000);
  const cookie = await sessionCookie(SLUG, LOCATION_ADMIN);
  const location = await ikejaId();
  // One real row, then blank lines up to exactly the cap: read whole, one row staged.
  const head = `first_name,last_name,household_size,nin,bvn,phone,date_of_birth\n${beneficiaryRows(1, { prefix: prefix() })[0]!.join(",")}\n`;
  const exact = Buffer.alloc(10_485_760, "\n");
  exact.write(head);
  const atCap = await upload(cookie, location, exact);
  expect(atCap.status).toBe(201);
  expect(JSON.parse(atCap.body)).toMatchObject({ received: 1, valid: 1 });
  const over = Buffer.alloc(10_485_761, "\n");
  over.write(head);
  const tooBig = await upload(cookie, location, over);
  expect(tooBig.status).toBe(413);
  expect((await upload(cookie, location, over, true)).status).toBe(413);
  expect((await upload(cookie, location, exact, true)).status).toBe(201);

  const zip = await upload(cookie, location, Buffer.from("504b0304140000000800000021000000000000000000000000000800000066696c652e637376", "hex"));
  expect(zip.status).toBe(400);
  expect(JSON.parse(zip.body).error).toContain("ZIP");
  const html = await upload(cookie, location, Buffer.from("<html><body><script>alert(1)</script></body></html>"));
  expect(html.status).toBe(400);
  expect(JSON.parse(html.body).error).toContain("web page");
});
