import { expect, test, type Page } from "@playwright/test";
import { rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { releaseServerDatabase } from "./support/dues";
import { actionId, postAction } from "./support/server-actions";

/**
 * Welfare in Chromium on the seeded club (promise P5): a treasurer opens a
 * case and requests a disbursement, sees no approve button on it, and a
 * forged approval POST is refused without a change; the second treasurer
 * approves and pays by M-Pesa B2C through the run's Daraja stand-in, whose
 * result callback (real HTTP, to the club's /api/webhooks/mpesa/<token>/b2c)
 * marks it paid. Notes stay with their readers.
 */
const CLUB = "kilimani";
const HOST = new URL(tenantUrl(CLUB)).host;
const ACTIONS = "app/(tenant)/(app)/welfare/actions.ts";
const NOTE = `Lost the house in the Mathare fire; staying at the chief's camp (${Date.now()}).`;

test.afterAll(() => releaseServerDatabase());

/** A day passes without a word from M-Pesa: the case's payout was sent 25 hours ago. */
async function backdatePayout(caseId: string) {
  const db = await connectOwner();
  try {
    await db.query("UPDATE payment SET created_at = now() - interval '25 hours' WHERE id = (SELECT payment_id FROM welfare_disbursement WHERE case_id = $1)", [caseId]);
  } finally {
    await db.end();
  }
}

async function disbursementOf(caseId: string) {
  const db = await connectOwner();
  try {
    const { rows } = await db.query<{ id: string; status: string; payment_status: string | null }>(
      "SELECT d.id, d.status, p.status AS payment_status FROM welfare_disbursement d LEFT JOIN payment p ON p.id = d.payment_id WHERE d.case_id = $1",
      [caseId],
    );
    const audits = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry");
    return { ...rows[0]!, audits: audits.rows[0]!.n };
  } finally {
    await db.end();
  }
}

const cookieOf = async (page: Page) =>
  (await page.context().cookies(tenantUrl(CLUB)))
    .filter((c) => c.name.includes("harambee.session"))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");

test("[P5] maker-checker: the requester has no approve button and a forced approval is refused; another treasurer approves and M-Pesa B2C pays", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, CLUB, `treasurer@${CLUB}.test`);
  await page.getByRole("link", { name: "Welfare" }).click();
  await page.getByRole("link", { name: "Open a case" }).click();
  const form = page.getByTestId("welfare-case-form");
  await form.getByLabel("Member").selectOption({ index: 3 });
  await form.getByLabel("Category").selectOption("HARDSHIP");
  await form.getByLabel("Title").fill("Fire in Mathare");
  await form.getByLabel("Case notes (confidential)").fill(NOTE);
  await form.getByRole("button", { name: "Open case" }).click();
  await expect(page.getByRole("heading", { name: "Fire in Mathare" })).toBeVisible();
  const caseId = /\/welfare\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await expect(page.getByTestId("case-status")).toHaveText("Open");

  const request = page.getByTestId("disbursement-form");
  await request.getByLabel("Amount").fill("2500");
  await request.getByLabel("Pay by").selectOption("MPESA");
  await request.getByLabel("M-Pesa phone (for M-Pesa)").fill("0712 345 678");
  await request.getByLabel("What it is for").fill("Bedding and food");
  await request.getByRole("button", { name: "Request disbursement" }).click();
  const row = page.getByTestId("disbursements").locator("tbody tr").filter({ hasText: "Bedding and food" });
  await expect(row).toContainText("Awaiting approval");
  await expect(row).toContainText("Waiting for another treasurer");
  // The requester's approve and reject buttons are absent.
  await expect(row.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Reject" })).toHaveCount(0);

  // Forcing it anyway: the action posted directly, as the requester, is refused and nothing changes.
  const before = await disbursementOf(caseId);
  expect(before.status).toBe("REQUESTED");
  const forced = await postAction({ host: HOST, path: `/welfare/${caseId}`, cookie: await cookieOf(page), id: actionId(ACTIONS, "approveDisbursementAction"), call: { fields: { disbursementId: before.id } } });
  expect(forced.status).toBe(200);
  expect(forced.body).toContain('"ok":false');
  expect(forced.body).toContain("another treasurer must approve");
  expect(await disbursementOf(caseId)).toEqual(before);

  // The second treasurer approves, then pays by M-Pesa.
  const checker = await (await browser.newContext()).newPage();
  await signIn(checker, CLUB, `treasurer-2@${CLUB}.test`);
  await checker.goto(tenantUrl(CLUB, `/welfare/${caseId}`));
  const theirRow = checker.getByTestId("disbursements").locator("tbody tr").filter({ hasText: "Bedding and food" });
  await theirRow.getByRole("button", { name: "Approve" }).click();
  await expect(theirRow).toContainText("Approved, to pay");
  await expect(checker.getByTestId("case-status")).toHaveText("Approved");
  await theirRow.getByRole("button", { name: "Pay by M-Pesa" }).click();
  await expect(async () => {
    await checker.reload();
    await expect(theirRow.getByTestId("disbursement-status")).toContainText("Paid", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  expect(await disbursementOf(caseId)).toMatchObject({ status: "PAID", payment_status: "SUCCEEDED" });
  await checker.context().close();
});

test("[P5] a payout M-Pesa never confirms: a day on, the case page says so and a treasurer marks it failed, payable again; paid again, recorded as paid from the statement", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, CLUB, `treasurer@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/welfare/new"));
  const form = page.getByTestId("welfare-case-form");
  await form.getByLabel("Member").selectOption({ index: 2 });
  await form.getByLabel("Category").selectOption("MEDICAL");
  await form.getByLabel("Title").fill("Clinic in Kayole");
  await form.getByLabel("Case notes (confidential)").fill("Follow-up visits.");
  await form.getByRole("button", { name: "Open case" }).click();
  await expect(page.getByRole("heading", { name: "Clinic in Kayole" })).toBeVisible();
  const caseId = /\/welfare\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const request = page.getByTestId("disbursement-form");
  await request.getByLabel("Amount").fill("1800");
  await request.getByLabel("Pay by").selectOption("MPESA");
  // The run's stand-in pays a phone ending in 0005 but its result never arrives.
  await request.getByLabel("M-Pesa phone (for M-Pesa)").fill("0712 340 005");
  await request.getByLabel("What it is for").fill("Clinic fees");
  await request.getByRole("button", { name: "Request disbursement" }).click();
  await expect(page.getByTestId("disbursements").locator("tbody tr").filter({ hasText: "Clinic fees" })).toContainText("Awaiting approval");

  const checker = await (await browser.newContext()).newPage();
  await signIn(checker, CLUB, `treasurer-2@${CLUB}.test`);
  await checker.goto(tenantUrl(CLUB, `/welfare/${caseId}`));
  const row = checker.getByTestId("disbursements").locator("tbody tr").filter({ hasText: "Clinic fees" });
  await row.getByRole("button", { name: "Approve" }).click();
  await row.getByRole("button", { name: "Pay by M-Pesa" }).click();
  await expect(row.getByTestId("disbursement-status")).toContainText("Paying by M-Pesa");
  await expect(row.getByTestId("payout-unconfirmed")).toHaveCount(0);

  await backdatePayout(caseId);
  await checker.reload();
  const flag = row.getByTestId("payout-unconfirmed");
  await expect(flag).toContainText("M-Pesa has not confirmed this payout");
  await expect(flag).toContainText("M-Pesa statement");
  await flag.getByRole("button", { name: "Mark payout failed" }).click();
  await expect(row.getByTestId("disbursement-status")).toContainText("Approved, to pay");
  await expect(row.getByRole("button", { name: "Pay by M-Pesa" })).toBeVisible();
  expect(await disbursementOf(caseId)).toMatchObject({ status: "APPROVED", payment_status: null });

  // Paid again, and again M-Pesa says nothing for a day; this time the statement shows the money left.
  await row.getByRole("button", { name: "Pay by M-Pesa" }).click();
  await expect(row.getByTestId("disbursement-status")).toContainText("Paying by M-Pesa");
  await backdatePayout(caseId);
  await checker.reload();
  const recordPaid = row.getByTestId("record-payout-paid-form");
  await recordPaid.getByLabel("M-Pesa receipt number").fill("TL-12");
  await recordPaid.getByRole("button", { name: "Record payout as paid" }).click();
  await expect(recordPaid).toContainText("An M-Pesa receipt number has 10 letters and digits");
  expect(await disbursementOf(caseId)).toMatchObject({ status: "PAYING", payment_status: "PENDING" });
  const receipt = `TLE${Date.now().toString(36).toUpperCase().slice(-7)}`;
  await recordPaid.getByLabel("M-Pesa receipt number").fill(receipt.toLowerCase());
  await expect(recordPaid.getByLabel("Paid on (YYYY-MM-DD)")).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);
  await recordPaid.getByRole("button", { name: "Record payout as paid" }).click();
  await expect(row.getByTestId("disbursement-status")).toHaveText(/^Paid/);
  await expect(row.getByTestId("payout-unconfirmed")).toHaveCount(0);
  expect(await disbursementOf(caseId)).toMatchObject({ status: "PAID", payment_status: "SUCCEEDED" });
  await checker.context().close();
});

test("[P5] the notes are the treasurer's to read; a viewer sees the case but gets the 404 page on its notes", async ({ page, browser }) => {
  await signIn(page, CLUB, `treasurer@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/welfare?status=OPEN"));
  const list = page.getByTestId("welfare-list");
  await expect(list.locator("tbody tr").first()).toBeVisible();
  await expect(list.locator("tbody tr[data-status='CLOSED']")).toHaveCount(0);
  await list.getByRole("link", { name: "Hospital bill after a road accident" }).click();
  await page.getByTestId("notes-link").click();
  await expect(page.getByTestId("welfare-notes")).toContainText("Kenyatta National Hospital");
  const notesPath = new URL(page.url()).pathname;

  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, CLUB, `viewer@${CLUB}.test`);
  await viewer.goto(tenantUrl(CLUB, notesPath.replace(/\/notes$/, "")));
  await expect(viewer.getByTestId("case-status")).toBeVisible();
  await expect(viewer.getByTestId("notes-link")).toHaveCount(0);
  expect(await viewer.content()).not.toContain("Kenyatta National Hospital");
  const response = await viewer.goto(tenantUrl(CLUB, notesPath));
  expect(response?.status()).toBe(404);
  expect(await viewer.content()).not.toContain("Kenyatta National Hospital");
  await viewer.context().close();
  // Unauthenticated, the same URL answers the sign-in redirect, never the notes.
  expect((await rawRequest({ host: HOST, path: notesPath })).body).not.toContain("Kenyatta");
});
