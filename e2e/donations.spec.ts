import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { chargeRefunded, postDelivery } from "../scripts/lib/stripe-events";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { demoWebhookSecret } from "./support/dues";

/**
 * Donations in Chromium on the seeded demo: a visitor gives on Kilimani's
 * public page by M-Pesa through the run's Daraja stand-in, or by card through
 * the Stripe stand-in's checkout (no sign-in), gets the numbered receipt's
 * signed link, and the treasurer finds the gift and
 * its receipt PDF in the Donations area, and records a cash gift by hand.
 */
const CLUB = "kilimani";
const host = `${CLUB}.localhost:${PORT}`;
const today = new Date().toISOString().slice(0, 10);
/** Kilimani's prefix, the year of issue, six digits. */
const RECEIPT_NUMBER = /^KIL-20\d{2}-\d{6}$/;

async function receiptCount(): Promise<number> {
  const db = await connectOwner();
  try {
    return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM donor_receipt")).rows[0].n;
  } finally {
    await db.end();
  }
}

test("[P4] a visitor donates by M-Pesa on the public page, gets a numbered receipt, and the treasurer downloads its PDF", async ({ page, browser }) => {
  const donor = `Visitor Giver ${Date.now()}`;
  await page.goto(tenantUrl(CLUB, "/donate"));
  await expect(page.getByRole("heading", { name: "Give to Rotary Club of Kilimani" })).toBeVisible();
  await page.getByLabel("Your name").fill(donor);
  await page.getByLabel("Email (for your receipt)").fill("visitor.giver@donor.example");
  await page.getByLabel("Amount (KES)").fill("1,500");
  await page.getByLabel("Fund or campaign (optional)").fill("Borehole appeal");
  await page.getByLabel("M-Pesa phone number").fill("0712 345 678");
  await page.getByRole("button", { name: "Give with M-Pesa" }).click();
  const result = page.getByTestId("mpesa-result");
  await expect(result).toHaveAttribute("data-state", "paid", { timeout: 20_000 });
  const receiptLink = page.getByTestId("receipt-link");
  const href = (await receiptLink.getAttribute("href"))!;
  expect(href).toMatch(/\/receipts\/[\w-]+\.[\w-]+\.[\w-]+$/);

  // The donor's link downloads the PDF, without a session.
  const [download] = await Promise.all([page.waitForEvent("download"), receiptLink.click()]);
  const number = download.suggestedFilename().replace(/\.pdf$/, "");
  expect(number).toMatch(RECEIPT_NUMBER);
  expect((await readFile((await download.path())!)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect((await page.context().cookies()).filter((c) => c.name.includes("harambee.session"))).toEqual([]);

  // A tampered link is a 404 and changes nothing.
  const before = await receiptCount();
  const path = new URL(href).pathname;
  const tampered = `${path.slice(0, -3)}${path.endsWith("AAA") ? "BBB" : "AAA"}`;
  const refused = await rawRequest({ host, path: tampered });
  expect(refused.status).toBe(404);
  expect(refused.headers["content-type"]).not.toContain("pdf");
  expect(await receiptCount()).toBe(before);

  // The treasurer sees the gift with its receipt, and downloads the PDF from the donor's page.
  const context = await browser.newContext();
  const treasurer = await context.newPage();
  await signIn(treasurer, CLUB, `treasurer@${CLUB}.test`);
  await treasurer.getByRole("link", { name: "Donations", exact: true }).click();
  const row = treasurer.getByTestId("donation-list").locator("tbody tr").filter({ hasText: donor });
  await expect(row).toContainText("M-Pesa");
  await expect(row).toContainText("1,500");
  await expect(row.getByTestId("receipt-number")).toHaveText(number);
  await row.getByRole("link", { name: donor }).click();
  await expect(treasurer.getByTestId("donor-name")).toHaveText(donor);
  const [pdf] = await Promise.all([treasurer.waitForEvent("download"), treasurer.getByTestId("donor-receipts").getByRole("link", { name: number }).click()]);
  expect(pdf.suggestedFilename()).toBe(`${number}.pdf`);
  expect((await readFile((await pdf.path())!)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await context.close();
});

test("[P4] a visitor gives by card through the Stripe stand-in's checkout and gets the receipt link; the treasurer sees the card gift", async ({ page, browser }) => {
  const donor = `Card Giver ${Date.now()}`;
  await page.goto(tenantUrl(CLUB, "/donate"));
  await page.getByLabel("Your name").fill(donor);
  await page.getByLabel("Email (for your receipt)").fill("card.giver@donor.example");
  await page.getByLabel("Amount (KES)").fill("2,750");
  await page.getByRole("button", { name: "Give by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await page.getByRole("button", { name: "Pay" }).click();

  await page.waitForURL((url) => url.pathname === "/donate" && url.searchParams.get("card") === "paid");
  await expect(page.getByTestId("card-return")).toHaveAttribute("data-state", "paid", { timeout: 20_000 });
  const receiptLink = page.getByTestId("receipt-link");
  expect(await receiptLink.getAttribute("href")).toMatch(/\/receipts\/[\w-]+\.[\w-]+\.[\w-]+$/);
  const [download] = await Promise.all([page.waitForEvent("download"), receiptLink.click()]);
  expect(download.suggestedFilename()).toMatch(/^KIL-20\d{2}-\d{6}\.pdf$/);
  expect((await readFile((await download.path())!)).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  const context = await browser.newContext();
  const treasurer = await context.newPage();
  await signIn(treasurer, CLUB, `treasurer@${CLUB}.test`);
  await treasurer.goto(tenantUrl(CLUB, "/donations"));
  const row = treasurer.getByTestId("donation-list").locator("tbody tr").filter({ hasText: donor });
  await expect(row).toContainText("Card");
  await expect(row).toContainText("2,750");
  await expect(row.getByTestId("receipt-number")).toHaveText(download.suggestedFilename().replace(/\.pdf$/, ""));
  await context.close();
});

test("[P4] [B3.3] a card gift Stripe refunds in full shows as Refunded with its cancellation receipt, and leaves the donor's statement", async ({ page, browser }) => {
  const donor = `Refunded Giver ${Date.now()}`;
  await page.goto(tenantUrl(CLUB, "/donate"));
  await page.getByLabel("Your name").fill(donor);
  await page.getByLabel("Amount (KES)").fill("1,300");
  await page.getByRole("button", { name: "Give by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((url) => url.pathname === "/donate" && url.searchParams.get("card") === "paid");
  await expect(page.getByTestId("card-return")).toHaveAttribute("data-state", "paid", { timeout: 20_000 });

  // The club refunds the charge in Stripe: its signed charge.refunded reaches the app's webhook.
  const donationId = new URL(page.url()).searchParams.get("gift")!;
  const db = await connectOwner();
  const paid = await db
    .query<{ organization_id: string; reference: string }>("SELECT organization_id, reference FROM payment WHERE donation_id = $1 AND kind = 'PAYMENT' AND status = 'SUCCEEDED'", [donationId])
    .finally(() => db.end());
  const { organization_id: organizationId, reference: paymentIntentId } = paid.rows[0]!;
  const refund = chargeRefunded({ organizationId, donationId, paymentIntentId, amountMinor: 130_000, currency: "KES" }, 130_000);
  expect(await postDelivery({ port: PORT, host }, refund, demoWebhookSecret(CLUB))).toMatchObject({ status: 200 });
  // The donor's return page says so, rather than waiting for a payment forever.
  await page.reload();
  await expect(page.getByTestId("card-return")).toHaveAttribute("data-state", "refunded");
  await expect(page.getByTestId("receipt-link")).toHaveCount(0);

  const context = await browser.newContext();
  const treasurer = await context.newPage();
  await signIn(treasurer, CLUB, `treasurer@${CLUB}.test`);
  await treasurer.goto(tenantUrl(CLUB, "/donations"));
  const row = treasurer.getByTestId("donation-list").locator("tbody tr").filter({ hasText: donor });
  await expect(row).toHaveAttribute("data-status", "REFUNDED");
  await expect(row).toContainText("Refunded");
  await expect(row).toContainText("(cancellation)");
  await expect(row.getByTestId("receipt-number")).toHaveText(RECEIPT_NUMBER);
  await row.getByRole("link", { name: donor }).click();
  await expect(treasurer.getByTestId("donor-gifts").locator("tbody tr")).toHaveAttribute("data-status", "REFUNDED");
  await expect(treasurer.getByTestId("donor-gifts")).toContainText("Refunded");
  await expect(treasurer.getByTestId("donor-receipts").locator('tbody tr[data-kind="CANCELLATION"]')).toHaveCount(1);
  await expect(treasurer.getByTestId("donor-receipts").locator('tbody tr[data-kind="RECEIPT"]')).toContainText("Cancelled by");
  await treasurer.getByRole("link", { name: String(new Date().getUTCFullYear()), exact: true }).click();
  await expect(treasurer.getByText("No gifts this year.")).toBeVisible();
  await expect(treasurer.getByTestId("statement-gifts").locator("tbody tr")).toHaveCount(0);
  await expect(treasurer.getByTestId("statement-total")).toHaveText("Total: none");
  await context.close();
});

test("[P4] a visitor who cancels on the card page comes back to the form: nothing received, no receipt", async ({ page }) => {
  const before = await receiptCount();
  await page.goto(tenantUrl(CLUB, "/donate"));
  await page.getByLabel("Your name").fill("Cancelling Giver");
  await page.getByLabel("Amount (KES)").fill("600");
  await page.getByRole("button", { name: "Give by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await page.getByRole("link", { name: "Cancel" }).click();
  await page.waitForURL((url) => url.pathname === "/donate" && url.searchParams.get("card") === "cancelled");
  await expect(page.getByTestId("card-return")).toContainText("nothing was charged");
  await expect(page.getByRole("button", { name: "Give by card" })).toBeVisible();
  expect(await receiptCount()).toBe(before);
});

test("[P4] a treasurer records a cash gift; the receipt is issued at once and a returning donor is reused", async ({ page }) => {
  await signIn(page, CLUB, `treasurer@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/donations/new"));
  // A refusal is shown beside the field and records nothing.
  const before = await receiptCount();
  await page.getByLabel("Donor's name").fill("Wanjiku Mwangi");
  await page.getByLabel("Email (the receipt is sent there)").fill("wanjiku.mwangi@donor.example");
  await page.getByLabel("Amount (for a gift in kind, its value)").fill("lots");
  await page.getByRole("button", { name: "Record the gift" }).click();
  await expect(page.locator("#amount-error")).toContainText("Enter an amount in KES");
  expect(await receiptCount()).toBe(before);

  await page.getByLabel("Amount (for a gift in kind, its value)").fill("4,000");
  await page.getByLabel("Fund or campaign (optional)").fill("School fees fund");
  await page.getByLabel("Received on (YYYY-MM-DD)").fill(today);
  await page.getByRole("button", { name: "Record the gift" }).click();
  // The seeded Wanjiku Mwangi, found by her email: her page lists the earlier gifts too.
  await expect(page.getByTestId("donor-name")).toHaveText("Wanjiku Mwangi");
  await expect(page.getByTestId("donor-gifts").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("donor-gifts").locator("tbody tr").first()).toContainText("4,000");
  expect(await receiptCount()).toBe(before + 1);
  await page.goto(tenantUrl(CLUB, "/donations"));
  const row = page.getByTestId("donation-list").locator("tbody tr").first();
  await expect(row).toContainText("Cash");
  await expect(row.getByTestId("receipt-number")).toHaveText(RECEIPT_NUMBER);
});

test("[P4] [B3.3] the seeded correction shows a cancelled receipt, its cancellation and the new receipt; the annual statement sums the year", async ({ page }) => {
  await signIn(page, CLUB, `treasurer@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/donations"));
  await page.getByTestId("donation-list").getByRole("link", { name: "Kamau Njoroge" }).first().click();
  const receipts = page.getByTestId("donor-receipts").locator("tbody tr");
  await expect(receipts).toHaveCount(3);
  await expect(page.locator('[data-kind="RECEIPT"][data-cancelled="true"]')).toHaveCount(1);
  await expect(page.locator('[data-kind="CANCELLATION"]')).toHaveCount(1);
  await expect(page.locator('[data-kind="RECEIPT"][data-cancelled="false"]')).toContainText("7,000");
  await page.getByRole("link", { name: /^20\d{2}$/ }).first().click();
  await expect(page.getByTestId("statement-total")).toContainText("7,000");
});
