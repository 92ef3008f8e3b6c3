import { expect, test } from "@playwright/test";
import { tenantUrl } from "./support/app";
import { arrangeInvoice, payLinkFor, releaseServerDatabase } from "./support/dues";

/**
 * A reminder's "Pay now" link, in Chromium, never signed in: the invoice,
 * the card payment through the offline Stripe checkout page and back, and a
 * clear error page for a link that expired or was altered.
 */
const CLUB = "kilimani";

test.afterAll(() => releaseServerDatabase());

test("[P3] pay-by-link without logging in: pay by card on the Stripe checkout page and see the invoice paid", async ({ page, context }) => {
  const invoice = await arrangeInvoice(CLUB, { amount: "2500" });
  const token = await payLinkFor(invoice);
  await page.goto(tenantUrl(CLUB, `/pay/${token}`));
  await expect(page.getByRole("heading", { name: /^Dues, / })).toBeVisible();
  await expect(page.getByText("Rotary Club of Kilimani")).toBeVisible();
  await expect(page.getByTestId("invoice-balance")).toContainText("2,500");

  await page.getByRole("button", { name: "Pay by card" }).click();
  await page.waitForURL(/\/pay\/cs_test_\w+$/);
  await expect(page.getByTestId("amount")).toContainText("2,500");
  await page.getByRole("button", { name: "Pay" }).click();

  await page.waitForURL((url) => url.pathname === `/pay/${token}` && url.searchParams.get("card") === "paid");
  await expect(page.getByTestId("card-return")).toContainText("Thank you");
  await expect(page.getByTestId("invoice-closed")).toHaveText("This invoice is paid in full.");
  await expect(page.getByTestId("invoice-balance")).toContainText("0.00");
  await expect(page.getByRole("button", { name: "Pay by card" })).toHaveCount(0);
  // Paid with no session at any point.
  expect((await context.cookies()).filter((c) => c.name.includes("harambee.session"))).toEqual([]);
});

test("[P3] an expired or altered pay link gets a clear error page that tells nothing about the invoice", async ({ page }) => {
  const invoice = await arrangeInvoice(CLUB, { amount: "1800" });
  const expired = await payLinkFor(invoice, { ttlSeconds: 60, now: new Date(Date.now() - 3_600_000) });
  const valid = await payLinkFor(invoice);
  const altered = `${valid.slice(0, -4)}${valid.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
  const cases = [
    [expired, "expired", "This payment link has expired"],
    [altered, "invalid", "This payment link is not valid"],
    ["not-a-link", "invalid", "This payment link is not valid"],
  ] as const;
  for (const [token, reason, title] of cases) {
    const response = await page.goto(tenantUrl(CLUB, `/pay/${token}`));
    expect(response?.status(), reason).toBeLessThan(500);
    await expect(page.getByTestId("pay-link-error")).toHaveAttribute("data-reason", reason);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    const text = await page.locator("main").innerText();
    expect(text).not.toMatch(/1,800|Wanjiru|Rotary year|Pay by card/);
  }
  // The link itself, unaltered, still works.
  await page.goto(tenantUrl(CLUB, `/pay/${valid}`));
  await expect(page.getByTestId("invoice-balance")).toContainText("1,800");
});
