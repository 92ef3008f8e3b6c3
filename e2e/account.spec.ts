import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";

/**
 * Sessions and passwords in the browser, on the production build: the real
 * Set-Cookie, the sessions page, a password change ending another browser's
 * session, and a reset link from the outbox used once.
 */
const westlands = `westlands.localhost:${PORT}`;

test("[M3.3] the session cookie on a production build: __Host- name, HttpOnly, Secure, SameSite=Lax, Path=/, no Domain, only an opaque id", async () => {
  const answer = await rawRequest({
    host: westlands,
    path: "/login/submit",
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${westlands}`, "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ email: "viewer@westlands.test", password: DEMO_PASSWORD, next: "/" }).toString(),
  });
  expect(answer.status).toBe(303);
  const cookie = (answer.headers["set-cookie"] ?? []).find((c) => c.startsWith("__Host-harambee.session="));
  expect(cookie).toBeDefined();
  const attributes = cookie!.split(";").slice(1).map((a) => a.trim().toLowerCase());
  expect(attributes).toEqual(expect.arrayContaining(["httponly", "secure", "samesite=lax", "path=/"]));
  expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
  expect(cookie).not.toContain("viewer");
});

test("[M3.3] changing the password ends the session in another browser at once; the sessions page lists and ends sessions", async ({ browser }) => {
  const email = "member@westlands.test";
  const elsewhere = await browser.newContext();
  const here = await browser.newContext();
  try {
    const other = await elsewhere.newPage();
    await signIn(other, "westlands", email);
    const page = await here.newPage();
    await signIn(page, "westlands", email);
    await page.goto(tenantUrl("westlands", "/account"));
    await expect(page.getByTestId("last-sign-in")).toContainText("Last sign-in before this one");
    await expect(page.getByTestId("session-list").locator("tbody tr")).toHaveCount(2);

    const change = async (from: string, to: string) => {
      // A label's name grows by its field's error message: address the fields by name.
      await page.locator('input[name="current"]').fill(from);
      await page.locator('input[name="password"]').fill(to);
      await page.locator('input[name="confirm"]').fill(to);
      await page.getByRole("button", { name: "Change password" }).click();
    };
    await change(DEMO_PASSWORD, "1234567890123");
    await expect(page.getByText("Use letters or symbols as well as digits.")).toBeVisible();
    await change(DEMO_PASSWORD, "Kipchoge-Marathon-Pace-277");
    await expect(page.getByText("Password changed. Your other sessions have ended.")).toBeVisible();

    await other.goto(tenantUrl("westlands", "/"));
    await expect(other).toHaveURL(/\/login/);
    await page.goto(tenantUrl("westlands", "/account"));
    await expect(page.getByTestId("session-list").locator("tbody tr")).toHaveCount(1);

    // Back to the demo password (other specs sign in as this person); the other browser signs in again and is ended from here.
    await change("Kipchoge-Marathon-Pace-277", DEMO_PASSWORD);
    await expect(page.getByText("Password changed.")).toBeVisible();
    await signIn(other, "westlands", email);
    await page.goto(tenantUrl("westlands", "/account"));
    await page.getByRole("button", { name: "End", exact: true }).click();
    await expect(page.getByTestId("session-list").locator("tbody tr")).toHaveCount(1);
    await other.goto(tenantUrl("westlands", "/"));
    await expect(other).toHaveURL(/\/login/);
  } finally {
    await elsewhere.close();
    await here.close();
  }
});

test("[M3.4] forgot password: the same answer for any email; the emailed link works once, then says so", async ({ page }) => {
  const email = "program-manager@westlands.test";
  for (const address of ["nobody@westlands.test", email]) {
    await page.goto(tenantUrl("westlands", "/login"));
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(address);
    await page.getByRole("button", { name: "Send the link" }).click();
    await expect(page.getByRole("status")).toContainText("If that email belongs to an account here");
  }
  const db = await connectOwner();
  const { rows } = await db.query<{ text: string }>(`SELECT text FROM email_outbox WHERE "to" = $1 ORDER BY created_at DESC LIMIT 1`, [email]);
  await db.end();
  const link = /http:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/.exec(rows[0]!.text)![0];
  expect(new URL(link).host).toBe(westlands);

  const choose = async (password: string) => {
    await page.goto(link);
    await page.locator('input[name="password"]').fill(password);
    await page.locator('input[name="confirm"]').fill(password);
    await page.getByRole("button", { name: "Set the new password" }).click();
  };
  await choose(DEMO_PASSWORD);
  await expect(page.getByText("Your password has been changed. Sign in with the new one.")).toBeVisible();
  await choose(DEMO_PASSWORD);
  await expect(page.getByText("This reset link has already been used.")).toBeVisible();
  await signIn(page, "westlands", email);
});
