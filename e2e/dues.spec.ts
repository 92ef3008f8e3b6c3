import { readFileSync } from "node:fs";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { PORT, signIn, tenantUrl } from "./support/app";
import { actionId, postAction } from "./support/server-actions";

/**
 * The treasurer's dues pages in Chromium, on objects the spec makes itself
 * under unique names (the seeded dues are not relied on).
 */
const SLUG = "kilimani";
const HOST = `${SLUG}.localhost:${PORT}`;
const ACTIONS = "app/(tenant)/(app)/dues/actions.ts";
const suffix = `${Date.now().toString(36)}`;

/** Chooses the option whose text contains `text` (labels carry amounts and enrolments beside the name). */
async function choose(select: Locator, text: string) {
  const value = await select.locator("option", { hasText: text }).first().getAttribute("value");
  await select.selectOption(value!);
}

async function addMember(page: Page, firstName: string, lastName: string): Promise<string> {
  await page.goto(tenantUrl(SLUG, "/members/new"));
  await page.getByLabel("First name").fill(firstName);
  await page.getByLabel("Last name").fill(lastName);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("member-name")).toHaveText(`${firstName} ${lastName}`);
  return page.url().split("/").at(-1)!;
}

async function cookieOf(browser: Browser, email: string): Promise<string> {
  const context = await browser.newContext();
  await signIn(await context.newPage(), SLUG, email);
  const cookie = (await context.cookies(tenantUrl(SLUG)))
    .filter((c) => c.name.includes("harambee.session"))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  await context.close();
  return cookie;
}

test("[P3] a treasurer creates a plan, enrols members, issues the period, records a cash payment, voids with a reason, filters and exports", async ({ page, browser }) => {
  const plan = `E2E plan ${suffix}`;
  const [payer, leaver] = [`Payer-${suffix}`, `Leaver-${suffix}`];
  await signIn(page, SLUG, "treasurer@kilimani.test");
  await addMember(page, "Amani", payer);
  await addMember(page, "Baraka", leaver);

  await page.goto(tenantUrl(SLUG, "/dues"));
  const planForm = page.getByTestId("plan-form");
  await planForm.getByLabel("Plan name").fill(plan);
  await planForm.getByLabel("Currency").selectOption("KES");
  await planForm.getByLabel("Amount per period").fill("2,500");
  await planForm.getByLabel("Invoiced").selectOption("ANNUAL");
  // Due 200 days into the Rotary year (mid-January): still open today.
  await planForm.getByLabel("Due, days after the period starts").fill("200");
  await planForm.getByRole("button", { name: "Create plan" }).click();
  await expect(planForm.getByRole("status")).toHaveText(`Plan "${plan}" created.`);
  await expect(page.locator(`[data-plan="${plan}"]`)).toContainText("Ksh");

  const enrol = page.getByTestId("enrol-form");
  for (const name of [payer, leaver]) {
    await choose(enrol.locator('select[name="memberId"]'), name);
    await choose(enrol.locator('select[name="planId"]'), plan);
    await enrol.getByRole("button", { name: "Enrol" }).click();
    await expect(enrol.getByRole("status")).toHaveText("Member enrolled.");
  }
  await expect(page.locator(`[data-plan="${plan}"]`)).toContainText("2");

  const issue = page.getByTestId("issue-period-form");
  await choose(issue.locator('select[name="planId"]'), plan);
  await issue.getByLabel(/^Period/).fill("2026-27");
  await issue.getByRole("button", { name: "Issue invoices" }).click();
  await expect(issue.getByRole("status")).toHaveText("2 invoices issued for 2026-27.");
  await choose(issue.locator('select[name="planId"]'), plan);
  await issue.getByLabel(/^Period/).fill("2026-27");
  await issue.getByRole("button", { name: "Issue invoices" }).click();
  await expect(issue.getByRole("status")).toHaveText("Every invoice for that period is already issued.");

  const filterBy = async (state: string) => {
    await page.goto(tenantUrl(SLUG, "/dues/invoices"));
    await choose(page.locator('select[name="planId"]'), plan);
    await page.getByLabel("State").selectOption(state);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/state=/);
    return page.getByTestId("invoice-list").locator("tbody tr");
  };
  await expect(await filterBy("open")).toHaveCount(2);

  // A viewer replaying the void action gets 404, and the invoice stays open.
  await page.getByTestId("invoice-list").getByRole("link", { name: `${leaver}, Baraka` }).click();
  const leaverInvoice = page.url().split("/").at(-1)!;
  const forged = await postAction({
    host: HOST,
    path: `/dues/invoices/${leaverInvoice}`,
    cookie: await cookieOf(browser, "viewer@kilimani.test"),
    id: actionId(ACTIONS, "voidInvoiceAction"),
    call: { fields: { invoiceId: leaverInvoice, reason: "Forged by a viewer" } },
  });
  expect(forged.status).toBe(404);
  await page.reload();
  await expect(page.getByTestId("invoice-state")).toHaveText("Open");
  await expect(page.getByTestId("void-form")).toBeVisible();

  const voiding = page.getByTestId("void-form");
  await voiding.getByLabel("Reason").fill("x");
  await voiding.getByRole("button", { name: "Void invoice" }).click();
  await expect(page.locator("#reason-error")).toHaveText("Say why the invoice is void");
  await voiding.getByLabel("Reason").fill("Left the club in July");
  await voiding.getByRole("button", { name: "Void invoice" }).click();
  await expect(page.getByTestId("invoice-state")).toHaveText("Void");
  await expect(page.getByTestId("void-reason")).toHaveText("Left the club in July");

  await filterBy("open");
  await page.getByTestId("invoice-list").getByRole("link", { name: `${payer}, Amani` }).click();
  const payment = page.getByTestId("payment-form");
  await expect(payment.getByLabel("Amount")).toHaveValue("2500.00");
  await payment.getByLabel("Paid by").selectOption("CASH");
  await payment.getByRole("textbox", { name: "Reference" }).fill(`RCPT-${suffix}`);
  await payment.getByRole("button", { name: "Record payment" }).click();
  await expect(page.getByTestId("invoice-state")).toHaveText("Paid");
  await expect(page.getByTestId("invoice-balance")).toContainText("0.00");
  await expect(page.getByTestId("ledger")).toContainText(`RCPT-${suffix}`);
  await expect(page.getByTestId("ledger")).toContainText("Cash");

  const paidRows = await filterBy("paid");
  await expect(paidRows).toHaveCount(1);
  await expect(paidRows).toContainText(payer);
  await expect(await filterBy("void")).toHaveCount(1);
  await expect(await filterBy("open")).toHaveCount(0);
  await expect(page.getByText("No invoices match.")).toBeVisible();

  await filterBy("paid");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csv = readFileSync((await download.path())!, "utf8").split("\r\n");
  expect(csv[0]).toBe("invoice_id,member,plan,period,due_on,currency,amount,paid,balance,state");
  const rows = csv.slice(1).filter(Boolean);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatch(/^[0-9a-f-]{36},/);
  expect(rows[0].slice(37)).toBe(`"${payer}, Amani",${plan},2026-27,2027-01-17,KES,2500.00,2500.00,0.00,Paid`);

  await page.goto(tenantUrl(SLUG, "/dues/arrears"));
  await expect(page.getByTestId("arrears-totals")).toBeVisible();
  await expect(page.getByTestId("arrears-list")).not.toContainText(payer);
});

test("an owner connects M-Pesa: secrets are never shown back, the callback and webhook URLs are", async ({ page }) => {
  await signIn(page, "westlands", "owner@westlands.test");
  await page.goto(tenantUrl("westlands", "/settings/payments"));
  await expect(page.getByTestId("stripe-webhook-url")).toHaveText(`http://westlands.localhost:${PORT}/api/webhooks/stripe`);

  const stripe = page.getByTestId("stripe-form");
  await stripe.getByLabel("Secret key").fill("sk_nope");
  await stripe.getByLabel("Webhook signing secret").fill(`whsec_${suffix}Typed`);
  await stripe.getByRole("button", { name: "Connect Stripe" }).click();
  await expect(page.locator("#secretKey-error")).toHaveText("A Stripe secret key starts with sk_test_ or sk_live_");
  await expect(stripe.getByLabel("Webhook signing secret")).toHaveValue("");

  const mpesa = page.getByTestId("mpesa-form");
  await mpesa.getByLabel("Paybill or till number (shortcode)").fill("12");
  await mpesa.getByLabel("Lipa na M-Pesa passkey").fill(`passkey-${suffix}`);
  await mpesa.getByLabel("Consumer key").fill(`consumer-key-${suffix}`);
  await mpesa.getByLabel("Consumer secret").fill(`consumer-secret-${suffix}`);
  await mpesa.getByRole("button", { name: "Connect M-Pesa" }).click();
  await expect(page.locator("#shortcode-error")).toHaveText("A paybill or till number has 5 to 7 digits");
  // After a refusal the shortcode is shown again, the keys are not.
  await expect(mpesa.getByLabel("Paybill or till number (shortcode)")).toHaveValue("12");
  for (const secret of ["Lipa na M-Pesa passkey", "Consumer key", "Consumer secret"]) await expect(mpesa.getByLabel(secret)).toHaveValue("");
  expect(await page.content()).not.toContain(suffix);

  await mpesa.getByLabel("Paybill or till number (shortcode)").fill("174379");
  await mpesa.getByLabel("Lipa na M-Pesa passkey").fill(`passkey-${suffix}`);
  await mpesa.getByLabel("Consumer key").fill(`consumer-key-${suffix}`);
  await mpesa.getByLabel("Consumer secret").fill(`consumer-secret-${suffix}`);
  await mpesa.getByRole("button", { name: "Connect M-Pesa" }).click();
  await expect(mpesa.getByRole("status")).toContainText("M-Pesa connected.");
  await page.reload();
  await expect(page.getByTestId("mpesa-status")).toContainText("Connected");
  const callback = (await page.getByTestId("mpesa-callback-url").textContent())!;
  expect(callback.startsWith(`http://westlands.localhost:${PORT}/api/webhooks/mpesa/`)).toBe(true);
  expect(callback.split("/").at(-1)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(await page.content()).not.toContain(suffix);

  const treasurer = await page.context().browser()!.newContext();
  const treasurerPage = await treasurer.newPage();
  await signIn(treasurerPage, "westlands", "treasurer@westlands.test");
  expect((await treasurerPage.goto(tenantUrl("westlands", "/settings/payments")))!.status()).toBe(404);
  await treasurer.close();
});

test("an admin links a member record to a login (what makes \"My dues\" theirs), and unlinks it", async ({ page }) => {
  await signIn(page, SLUG, "admin@kilimani.test");
  await addMember(page, "Linked", `Login-${suffix}`);
  const login = page.getByTestId("member-login");
  await expect(page.getByTestId("member-login-status")).toHaveText(/^No login/);
  await choose(login.getByLabel("Login"), "treasurer@kilimani.test");
  await login.getByRole("button", { name: "Save login" }).click();
  await expect(page.getByTestId("member-login-status")).toHaveText(/^Linked to treasurer@kilimani\.test/);
  await login.getByLabel("Login").selectOption("");
  await login.getByRole("button", { name: "Save login" }).click();
  await expect(page.getByTestId("member-login-status")).toHaveText(/^No login/);
});
