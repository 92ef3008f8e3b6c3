import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { checkpointObjectKey } from "../lib/audit/checkpoints";
import { parseAuditCsv, recomputeRowHash } from "../tests/support/audit-csv";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner, serverAuditKeys } from "./support/database";

const SLUG = "kilimani";
const host = `${SLUG}.localhost:${PORT}`;

test("[M5.3] [M5.4] [B3.4] an admin reads the trail, verifies the chain and downloads the CSV; the export is itself audited", async ({ page }) => {
  await signIn(page, SLUG, `admin@${SLUG}.test`);
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(tenantUrl(SLUG, "/audit"));
  const rows = page.getByTestId("audit-list").locator("tbody tr");
  // Newest first: the sign-in that just happened heads the list.
  await expect(rows.first()).toContainText("auth.login");
  await expect(rows.first()).toContainText(`admin@${SLUG}.test`);
  // It names the request that wrote it: the id that request's log lines carry.
  await rows.first().locator("summary").click();
  await expect(rows.first().getByTestId("audit-request-id")).toHaveText(/^request [A-Za-z0-9._:-]{8,64} \(the id on its log lines\)$/);

  // Each row opens to its before/after.
  await page.getByRole("link", { name: "Audit" }).click();
  await page.getByLabel("Action").fill("membership.create");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=membership.create/);
  await expect(rows.first()).toContainText("membership.create");
  await rows.first().locator("summary").click();
  await expect(rows.first().getByLabel("after")).toContainText('"role"');

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("chain-verdict")).toHaveText(/^Chain intact through #\d+ \(\d+ entries checked\)$/);

  await page.goto(tenantUrl(SLUG, "/audit"));
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${SLUG}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const rowsOut = parseAuditCsv(readFileSync((await download.path())!, "utf8"));
  // The export's own entry is written before the first row is read, so it heads the file.
  expect(rowsOut[0]).toMatchObject({ action: "audit.export", actor_label: `admin@${SLUG}.test`, request_id: expect.stringMatching(/^[A-Za-z0-9._:-]{8,64}$/) });
  // Unfiltered and newest first: consecutive rows link, and every row's hash recomputes from its columns under the audit key.
  const keys = serverAuditKeys();
  for (const [i, row] of rowsOut.entries()) {
    expect(row.seq).toBe(String(rowsOut.length - i));
    if (i > 0) expect(rowsOut[i - 1].prev_hash).toBe(row.hash);
    expect(recomputeRowHash(row, keys), `row #${row.seq}`).toBe(row.hash);
  }
  const db = await connectOwner();
  try {
    const { rows: exports } = await db.query(
      "SELECT a.actor_label FROM audit_entry a JOIN organization o ON o.id = a.organization_id WHERE o.slug = $1 AND a.action = 'audit.export'",
      [SLUG],
    );
    expect(exports.map((e) => e.actor_label)).toContain(`admin@${SLUG}.test`);
  } finally {
    await db.end();
  }
});

test("[M5.4] the worker's checkpoint job signs the club's head outside the database within a minute; the owner's audit page shows it", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page, SLUG, `owner@${SLUG}.test`);
  const line = page.getByTestId("chain-checkpoint");
  // The job runs every minute beside the server; the sign-in just moved the head, so wait for a checkpoint at or past it.
  const db = await connectOwner();
  let head: { id: string; seq: string };
  try {
    head = (
      await db.query<{ id: string; seq: string }>(
        "SELECT o.id, max(a.seq)::text AS seq FROM audit_entry a JOIN organization o ON o.id = a.organization_id WHERE o.slug = $1 GROUP BY o.id",
        [SLUG],
      )
    ).rows[0];
  } finally {
    await db.end();
  }
  await expect
    .poll(
      async () => {
        await page.goto(tenantUrl(SLUG, "/audit"));
        const text = (await line.textContent()) ?? "";
        return Number(/checkpoint: #(\d+)/.exec(text)?.[1] ?? 0);
      },
      { timeout: 130_000, intervals: [5_000] },
    )
    .toBeGreaterThanOrEqual(Number(head.seq));
  const shown = /checkpoint: #(\d+) .* hash ([0-9a-f]{64})/.exec((await line.textContent())!)!;
  // The page shows what the object store holds, signed: the object under that seq carries that hash.
  const object = path.join(process.env.E2E_DATA_DIR!, "storage", ...checkpointObjectKey(head.id, BigInt(shown[1])).split("/"));
  const payload = JSON.parse(Buffer.from(readFileSync(object, "utf8").split(".")[1], "base64url").toString());
  expect(payload).toMatchObject({ chain: head.id, seq: shown[1], hash: shown[2] });
});

test("[M5.3] a viewer gets 404 on the audit page and on the export URL, and no export is recorded", async ({ page, context }) => {
  await signIn(page, SLUG, `viewer@${SLUG}.test`);
  await expect(page.getByRole("link", { name: "Audit" })).toHaveCount(0);
  const response = await page.goto(tenantUrl(SLUG, "/audit"));
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Page not found")).toBeVisible();

  const cookie = (await context.cookies(tenantUrl(SLUG)))
    .filter((c) => c.name.includes("harambee.session"))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  const db = await connectOwner();
  try {
    const count = async () => (await db.query("SELECT count(*)::int AS n FROM audit_entry WHERE action = 'audit.export'")).rows[0].n as number;
    const before = await count();
    const exported = await rawRequest({ host, path: "/audit/export", headers: { cookie } });
    expect(exported.status).toBe(404);
    expect(exported.body).not.toContain("seq,at");
    expect(await count()).toBe(before);
  } finally {
    await db.end();
  }
});
