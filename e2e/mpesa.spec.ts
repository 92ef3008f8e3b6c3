import { expect, test, type Page } from "@playwright/test";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { arrangeInvoice, payLinkFor, reconcileMpesa, releaseServerDatabase } from "./support/dues";

/**
 * M-Pesa in Chromium through the run's Daraja stand-in (playwright.config.ts,
 * E2E_DARAJA_URL): the member types a phone, the server sends a real STK push,
 * the stand-in calls back over HTTP to the club's /api/webhooks/mpesa/<token>,
 * and the page waiting on the phone shows the result. The phone's last four
 * digits pick the stand-in's outcome (scripts/lib/daraja-stand-in.ts).
 */
const CLUB = "kilimani";
const PHONES = { paid: "0712 345 678", duplicate: "0712 340 002", wrongAmount: "0712 340 003", timeout: "0712 341 037", cancelled: "0712 341 032" };

test.afterAll(() => releaseServerDatabase());

/** The ledger of one invoice as the database holds it. */
async function ledgerOf(invoiceId: string) {
  const db = await connectOwner();
  try {
    const { rows } = await db.query<{ status: string; amount_minor: number; reference: string; failure_reason: string | null }>(
      "SELECT status, amount_minor, reference, failure_reason FROM payment WHERE invoice_id = $1 ORDER BY created_at",
      [invoiceId],
    );
    return rows;
  } finally {
    await db.end();
  }
}

/** Signs in as the member, opens My dues and asks for an STK push for the invoice to `phone`. */
async function payByMpesa(page: Page, invoiceId: string, phone: string) {
  await signIn(page, CLUB, `member@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/my-dues"));
  const invoice = page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`);
  await invoice.getByLabel("M-Pesa phone number").fill(phone);
  await invoice.getByRole("button", { name: "Pay with M-Pesa" }).click();
  await expect(invoice.getByTestId("mpesa-result")).toContainText("Waiting for your phone");
  return invoice;
}

test("[P3] a member pays an invoice by STK push through the Daraja stand-in and sees it paid", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "1500" });
  const invoice = await payByMpesa(page, invoiceId, PHONES.paid);
  await expect(invoice.getByTestId("invoice-state")).toHaveText("Paid");
  await expect(invoice.getByTestId("invoice-balance")).toContainText("0.00");
  await expect(page.getByTestId("my-payments").locator("tbody tr").filter({ hasText: "M-Pesa" }).filter({ hasText: "1,500" })).toContainText(["Received"]);
  expect(await ledgerOf(invoiceId)).toEqual([expect.objectContaining({ status: "SUCCEEDED", amount_minor: 150_000 })]);
});

test("[P3] a phone that is not a Safaricom number is refused beside the field, and cancelling on the phone says so", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "600" });
  await signIn(page, CLUB, `member@${CLUB}.test`);
  await page.goto(tenantUrl(CLUB, "/my-dues"));
  const invoice = page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`);
  await invoice.getByLabel("M-Pesa phone number").fill("12345");
  await invoice.getByRole("button", { name: "Pay with M-Pesa" }).click();
  await expect(invoice.locator("#phone-error")).toContainText("Safaricom");
  expect(await ledgerOf(invoiceId)).toEqual([]);

  await invoice.getByLabel("M-Pesa phone number").fill(PHONES.cancelled);
  await invoice.getByRole("button", { name: "Pay with M-Pesa" }).click();
  const result = invoice.getByTestId("mpesa-result");
  await expect(result).toHaveAttribute("data-state", "cancelled");
  await expect(result).toContainText("You cancelled the request on your phone.");
  await result.getByRole("button", { name: "Try again" }).click();
  await expect(invoice.getByRole("button", { name: "Pay with M-Pesa" })).toBeVisible();
  await expect(invoice.getByTestId("invoice-balance")).toContainText("600");
});

test("[P3] a duplicate callback records the payment once", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "1700" });
  const invoice = await payByMpesa(page, invoiceId, PHONES.duplicate);
  await expect(invoice.getByTestId("invoice-state")).toHaveText("Paid");
  expect(await ledgerOf(invoiceId)).toEqual([expect.objectContaining({ status: "SUCCEEDED", amount_minor: 170_000 })]);
  await page.reload();
  await expect(page.getByTestId("my-payments").locator("tbody tr").filter({ hasText: "M-Pesa" }).filter({ hasText: "1,700" })).toHaveCount(1);
  await expect(page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`).getByTestId("invoice-balance")).toContainText("0.00");
});

test("[P3] a callback for the wrong amount credits nothing, and the payer is told why", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "2100" });
  const invoice = await payByMpesa(page, invoiceId, PHONES.wrongAmount);
  const result = invoice.getByTestId("mpesa-result");
  await expect(result).toHaveAttribute("data-state", "failed");
  await expect(result).toContainText("was asked for");
  expect(await ledgerOf(invoiceId)).toEqual([expect.objectContaining({ status: "FAILED", amount_minor: 210_000 })]);
  await page.reload();
  await expect(page.locator(`[data-testid="my-invoice"][data-invoice-id="${invoiceId}"]`).getByTestId("invoice-balance")).toContainText("2,100");
});

test("[P3] a timeout is not final: the page says we'll confirm shortly, and the STK query confirms it later", async ({ page }) => {
  // The page's own clock, so its long wait can be skipped rather than sat through.
  await page.clock.install();
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "900" });
  const invoice = await payByMpesa(page, invoiceId, PHONES.timeout);
  const result = invoice.getByTestId("mpesa-result");
  await page.clock.fastForward(91_000);
  await expect(result).toHaveAttribute("data-state", "slow");
  await expect(result).toContainText("we'll confirm the payment shortly");
  // The 1037 callback leaves the payment pending; the reconcile job's STK query (run here, as the worker
  // would a minute later) finds it paid once the stand-in has sent that callback.
  await expect.poll(async () => (await reconcileMpesa()) && (await ledgerOf(invoiceId))[0]?.status, { timeout: 30_000 }).toBe("SUCCEEDED");
  await page.clock.fastForward(10_000);
  await expect(invoice.getByTestId("invoice-state")).toHaveText("Paid");
});

test("[P3] a callback to a wrong token gets 404 and changes nothing", async ({ page }) => {
  const { invoiceId } = await arrangeInvoice(CLUB, { amount: "1300" });
  await payByMpesa(page, invoiceId, PHONES.timeout);
  const [pending] = await ledgerOf(invoiceId);
  const forged = {
    Body: {
      stkCallback: {
        MerchantRequestID: "29115-34620561-1",
        CheckoutRequestID: pending.reference,
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        CallbackMetadata: { Item: [{ Name: "Amount", Value: 1300 }, { Name: "MpesaReceiptNumber", Value: "QWE1RTY2UI" }, { Name: "PhoneNumber", Value: 254712341037 }] },
      },
    },
  };
  const response = await rawRequest({
    host: `${CLUB}.localhost:${PORT}`,
    path: "/api/webhooks/mpesa/not-the-clubs-token",
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(forged),
  });
  expect(response.status).toBe(404);
  expect(await ledgerOf(invoiceId)).toEqual([expect.objectContaining({ status: "PENDING", reference: pending.reference })]);
});

test("[P3] pay by link with M-Pesa, without logging in", async ({ page }) => {
  const invoice = await arrangeInvoice(CLUB, { amount: "750" });
  await page.goto(tenantUrl(CLUB, `/pay/${await payLinkFor(invoice)}`));
  await page.getByLabel("M-Pesa phone number").fill(PHONES.paid);
  await page.getByRole("button", { name: "Pay with M-Pesa" }).click();
  await expect(page.getByTestId("mpesa-result")).toContainText("Waiting for your phone");
  await expect(page.getByTestId("invoice-closed")).toHaveText("This invoice is paid in full.");
  expect(await ledgerOf(invoice.invoiceId)).toEqual([expect.objectContaining({ status: "SUCCEEDED", amount_minor: 75_000 })]);
});
