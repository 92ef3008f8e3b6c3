import { expect, test } from "@playwright/test";
import { signIn, tenantUrl } from "./support/app";
import { arrangeInvoice, releaseServerDatabase } from "./support/dues";

/** A signed-in member pays their own invoice by card from My dues, through the offline Stripe checkout. */
const CLUB = "kilimani";

test.afterAll(() => releaseServerDatabase());

test("[P3] a member pays an invoice by card from My dues and sees it paid, with the payment in their history", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "3200" });
  await signIn(page, CLUB, `member@${CLUB}.test`);
  await page.getByRole("link", { name: "My dues" }).click();
  const invoice = page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`);
  await expect(invoice.getByTestId("invoice-balance")).toContainText("3,200");

  await invoice.getByRole("button", { name: "Pay by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await page.getByRole("button", { name: "Pay" }).click();

  await page.waitForURL((url) => url.pathname === "/my-dues" && url.searchParams.get("card") === "paid");
  await expect(page.getByTestId("card-return")).toContainText("Thank you");
  await expect(invoice.getByTestId("invoice-state")).toHaveText("Paid");
  await expect(invoice.getByTestId("invoice-balance")).toContainText("0.00");
  await expect(invoice.getByRole("button", { name: "Pay by card" })).toHaveCount(0);
  await expect(page.getByTestId("my-payments").locator("tbody tr").filter({ hasText: "Card" }).filter({ hasText: "3,200" })).toHaveCount(1);
});

test("a member who cancels on the checkout page comes back to an unpaid invoice", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "1100" });
  await signIn(page, CLUB, `member@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/my-dues"));
  const invoice = page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`);
  await invoice.getByRole("button", { name: "Pay by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await page.getByRole("link", { name: "Cancel" }).click();
  await page.waitForURL((url) => url.pathname === "/my-dues" && url.searchParams.get("card") === "cancelled");
  await expect(page.getByTestId("card-return")).toContainText("nothing was charged");
  await expect(invoice.getByTestId("invoice-balance")).toContainText("1,100");
  await expect(invoice.getByRole("button", { name: "Pay by card" })).toBeVisible();
});
