import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { PORT, signIn, tenantUrl } from "./support/app";
import { batchesSettled, connectOwner } from "./support/database";

/**
 * The treasurer's dashboard (promise P7) in Chromium on the seeded demo: its
 * numbers are the ledger's sums, worked out beside the app in plain SQL as
 * the database owner; its charts render as SVG under the strict CSP with
 * nothing fetched from another host; each viewer sees only their figures.
 */
const SLUG = "kilimani";

/** The numbers under the charts, by key, in minor units or counts (data-value). */
async function shownNumbers(page: Page): Promise<Record<string, number>> {
  const items = page.getByTestId("figure-number");
  const entries = await items.evaluateAll((nodes) => nodes.map((n) => [n.getAttribute("data-key")!, Number(n.getAttribute("data-value"))] as const));
  return Object.fromEntries(entries);
}

/** The same figures as plain SQL over the club's rows: today is the Nairobi day, as the dues pages count it. */
async function ledgerSums(slug: string): Promise<Record<string, number>> {
  const db = await connectOwner();
  try {
    const today = `(now() AT TIME ZONE 'Africa/Nairobi')::date`;
    const start = `(date_trunc('month', ${today}) - interval '11 months')::date`;
    const stop = `(date_trunc('month', ${today}) + interval '1 month')::date`;
    const org = (await db.query<{ id: string }>("SELECT id FROM organization WHERE slug = $1", [slug])).rows[0].id;
    const sums: Record<string, number> = {};
    const invoiced = await db.query<{ currency: string; minor: string }>(
      `SELECT currency, sum(amount_minor) AS minor FROM dues_invoice
        WHERE organization_id = $1 AND status = 'OPEN' AND due_on >= ${start} AND due_on < ${stop} GROUP BY currency`,
      [org],
    );
    for (const r of invoiced.rows) sums[`invoiced-${r.currency}`] = Number(r.minor);
    const collected = await db.query<{ currency: string; minor: string }>(
      `SELECT currency, sum(CASE kind WHEN 'REFUND' THEN -amount_minor ELSE amount_minor END) AS minor FROM payment
        WHERE organization_id = $1 AND status = 'SUCCEEDED' AND invoice_id IS NOT NULL
          AND (coalesce(paid_at, created_at) AT TIME ZONE 'Africa/Nairobi')::date >= ${start}
          AND (coalesce(paid_at, created_at) AT TIME ZONE 'Africa/Nairobi')::date < ${stop}
        GROUP BY currency`,
      [org],
    );
    for (const r of collected.rows) sums[`collected-${r.currency}`] = Number(r.minor);
    // Per invoice: amount less what the ledger says it was paid; owed if past due and not paid in full.
    const owed = await db.query<{ currency: string; late: number; balance: string }>(
      `SELECT i.currency, ${today} - i.due_on AS late,
              i.amount_minor - coalesce((SELECT sum(CASE p.kind WHEN 'REFUND' THEN -p.amount_minor ELSE p.amount_minor END)
                                           FROM payment p WHERE p.invoice_id = i.id AND p.status = 'SUCCEEDED'), 0) AS balance
         FROM dues_invoice i WHERE i.organization_id = $1 AND i.status = 'OPEN' AND i.due_on < ${today}`,
      [org],
    );
    for (const r of owed.rows.filter((r) => Number(r.balance) > 0)) {
      for (const age of ["0-30", "31-90", "90+"]) sums[`arrears-${age}-${r.currency}`] ??= 0;
      const age = r.late <= 30 ? "0-30" : r.late <= 90 ? "31-90" : "90+";
      sums[`arrears-${age}-${r.currency}`] += Number(r.balance);
    }
    const gifts = await db.query<{ currency: string; minor: string }>(
      `SELECT currency, sum(amount_minor) AS minor FROM donation
        WHERE organization_id = $1 AND status = 'RECEIVED'
          AND (received_at AT TIME ZONE 'Africa/Nairobi')::date >= ${start}
          AND (received_at AT TIME ZONE 'Africa/Nairobi')::date < ${stop}
        GROUP BY currency`,
      [org],
    );
    for (const r of gifts.rows) sums[`donations-${r.currency}`] = Number(r.minor);
    const cases = await db.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM welfare_case WHERE organization_id = $1 GROUP BY status", [org]);
    sums["welfare-open"] = 0;
    for (const r of cases.rows) sums[`welfare-${r.status.toLowerCase()}`] = r.n;
    return sums;
  } finally {
    await db.end();
  }
}

test("[P7] the dashboard's figures equal the ledger's sums on the seeded data", async ({ page }) => {
  await signIn(page, SLUG, "treasurer@kilimani.test");
  await page.goto(tenantUrl(SLUG, "/"));
  const shown = await shownNumbers(page);
  const expected = await ledgerSums(SLUG);
  expect(shown).toEqual(expected);
  // The seeded club has dues on every side of the ledger.
  expect(expected["invoiced-KES"]).toBeGreaterThan(0);
  expect(expected["collected-KES"]).toBeGreaterThan(0);
  expect(expected["arrears-90+-KES"]).toBeGreaterThan(0);
  expect(expected["donations-KES"]).toBeGreaterThan(0);
  // Each number links to the list it sums.
  await page.getByRole("link", { name: "Collected in 12 months" }).click();
  await expect(page).toHaveURL(/\/dues\/invoices\?state=paid$/);
  await page.goBack();
  await page.getByRole("link", { name: "Over 90 days late" }).click();
  await expect(page).toHaveURL(/\/dues\/arrears$/);
});

test("[P7] the charts render as SVG under the strict CSP, with nothing fetched from another host", async ({ page }) => {
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(`http://${SLUG}.localhost:${PORT}/`)) foreign.push(request.url());
  });
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.setViewportSize({ width: 1280, height: 1600 });
  await signIn(page, SLUG, "treasurer@kilimani.test");
  await page.goto(tenantUrl(SLUG, "/"));

  for (const key of ["dues-per-month", "arrears-by-age", "donations-per-month", "welfare-cases"]) {
    const svg = page.getByTestId(`figure-${key}`).locator(".recharts-wrapper > svg.recharts-surface").first();
    await expect(svg, key).toBeVisible();
    const box = (await svg.boundingBox())!;
    expect(box.width, key).toBeGreaterThan(100);
    expect(box.height, key).toBeGreaterThan(100);
  }
  // Bars drawn with real height: invoiced and collected months, and the arrears buckets.
  for (const key of ["dues-per-month", "arrears-by-age"]) {
    const bars = page.getByTestId(`figure-${key}`).locator(".recharts-bar-rectangle path");
    await expect(bars.first(), key).toBeVisible();
    const heights = await bars.evaluateAll((paths) => paths.map((p) => (p as SVGGraphicsElement).getBBox().height));
    expect(heights.filter((h) => h > 0).length, key).toBeGreaterThan(1);
  }
  await expect(page.getByTestId("figure-dues-per-month").locator(".recharts-legend-item")).toHaveCount(2);
  mkdirSync("reports", { recursive: true });
  await page.screenshot({ path: "reports/dashboard.png", fullPage: true });

  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(foreign).toEqual([]);
});

test("[P7] a member sees no figures, a program manager sees beneficiaries per location and batches by status, and no money", async ({ page }) => {
  test.setTimeout(200_000);
  await signIn(page, SLUG, "member@kilimani.test");
  await page.goto(tenantUrl(SLUG, "/"));
  await expect(page.getByTestId("role")).toHaveText("member");
  await expect(page.locator("article[data-testid^=figure-]")).toHaveCount(0);

  await page.context().clearCookies();
  const db = await connectOwner();
  try {
    await batchesSettled(db, "ikeja-relief");
    await signIn(page, "ikeja-relief", "program-manager@ikeja-relief.test");
    await page.goto(tenantUrl("ikeja-relief", "/"));
    const figure = page.getByTestId("figure-beneficiaries-per-location");
    await expect(figure.locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
    await expect(page.getByTestId("figure-batches-by-status").locator(".recharts-wrapper > svg.recharts-surface")).toBeVisible();
    await expect(page.locator("article[data-testid^=figure-]")).toHaveCount(2);
    const shown = await shownNumbers(page);
    // The program manager's reach is their program (Food Relief): its beneficiaries, counted beside the app.
    const { rows } = await db.query<{ id: string; n: number }>(
      `SELECT p.id, count(b.id)::int AS n FROM program p JOIN organization o ON o.id = p.organization_id
         JOIN location l ON l.program_id = p.id LEFT JOIN beneficiary b ON b.location_id = l.id
        WHERE o.slug = 'ikeja-relief' AND p.name = 'Food Relief' GROUP BY p.id`,
    );
    const batches = await db.query<{ status: string; n: number }>(
      `SELECT b.status, count(*)::int AS n FROM beneficiary_batch b JOIN program p ON p.id = b.program_id
        WHERE p.id = $1 GROUP BY b.status`,
      [rows[0].id],
    );
    const batchCounts = Object.fromEntries(["review", "queued", "processing", "processed", "discarded"].map((status) => [`batches-${status}`, 0]));
    for (const r of batches.rows) batchCounts[`batches-${r.status.toLowerCase()}`] = r.n;
    expect(shown).toEqual({ [`program-${rows[0].id}`]: rows[0].n, ...batchCounts });
    expect(rows[0].n).toBeGreaterThan(0);
    expect(batchCounts["batches-processed"]).toBeGreaterThan(0);
  } finally {
    await db.end();
  }
});
