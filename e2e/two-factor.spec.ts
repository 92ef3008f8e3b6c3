import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, freshCode, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";

/**
 * Promise M3.6 in the browser: an owner must enrol before any page, scans
 * (here: reads the key), signs in again with a code; a code is good once; a
 * recovery code works once; turning it off needs the password and a code.
 */
const OWNER = "owner@westlands.test";

async function passwordStep(page: import("@playwright/test").Page): Promise<void> {
  await page.goto(tenantUrl("westlands", "/login"));
  await page.getByLabel("Email").fill(OWNER);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** An earlier spec may have enrolled this owner: start unenrolled, turning two-factor off through the page as the owner would. */
async function startUnenrolled(browser: import("@playwright/test").Browser): Promise<void> {
  const db = await connectOwner();
  const { rows } = await db.query<{ enrolled: boolean }>("SELECT totp_enabled_at IS NOT NULL AS enrolled FROM app_user WHERE email = $1", [OWNER]);
  await db.end();
  if (!rows[0]!.enrolled) return;
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "westlands", OWNER);
  await page.goto(tenantUrl("westlands", "/two-factor/setup"));
  await page.locator('input[name="code"]').fill(await freshCode(OWNER));
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(page.getByRole("status")).toHaveText("Two-factor authentication is off.");
  await context.close();
}

test("[M3.6] an owner is forced to enrol, signs in with a code, a replayed code fails, a recovery code works once", async ({ browser }) => {
  test.setTimeout(240_000);
  await startUnenrolled(browser);
  const first = await browser.newContext();
  const page = await first.newPage();
  await passwordStep(page);
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  // No other page until enrolled.
  await page.goto(tenantUrl("westlands", "/members"));
  await expect(page).toHaveURL(/\/two-factor\/setup$/);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.getByTestId("totp-key").textContent())!.replace(/\s/g, "");
  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByText("That code did not work.")).toBeVisible();
  await page.getByLabel("Code from the app").fill(await freshCode(OWNER, secret));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = await page.getByTestId("recovery-codes").locator("li").allTextContents();
  await page.getByRole("link", { name: "Continue" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(OWNER);
  await first.close();

  // A new sign-in needs a code; the same code again (same step) is a replay.
  const second = await browser.newContext();
  const again = await second.newPage();
  await passwordStep(again);
  await expect(again).toHaveURL(/\/two-factor\/verify$/);
  await again.goto(tenantUrl("westlands", "/"));
  await expect(again).toHaveURL(/\/two-factor\/verify$/);
  const code = await freshCode(OWNER);
  await again.getByLabel("Code from your app, or a recovery code").fill(code);
  await again.getByRole("button", { name: "Verify" }).click();
  await expect(again.getByTestId("signed-in-as")).toHaveText(OWNER);

  const third = await browser.newContext();
  const replay = await third.newPage();
  await passwordStep(replay);
  await replay.getByLabel("Code from your app, or a recovery code").fill(code);
  await replay.getByRole("button", { name: "Verify" }).click();
  await expect(replay.getByText("That code did not work.")).toBeVisible();
  // A recovery code works once…
  await replay.getByLabel("Code from your app, or a recovery code").fill(codes[0]!);
  await replay.getByRole("button", { name: "Verify" }).click();
  await expect(replay.getByTestId("signed-in-as")).toHaveText(OWNER);
  await third.close();
  // …and fails the second time.
  const fourth = await browser.newContext();
  const reused = await fourth.newPage();
  await passwordStep(reused);
  await reused.getByLabel("Code from your app, or a recovery code").fill(codes[0]!);
  await reused.getByRole("button", { name: "Verify" }).click();
  await expect(reused.getByText("That code did not work.")).toBeVisible();
  await fourth.close();

  // Turning it off needs the password and a current code, and is audited; the owner must then enrol again.
  await again.goto(tenantUrl("westlands", "/two-factor/setup"));
  await again.getByLabel("Password").fill(DEMO_PASSWORD);
  await again.getByLabel("Code from the app").fill("123456");
  await again.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(again.getByRole("status")).toHaveText("The password or the code is not right.");
  await again.locator('input[name="code"]').fill(await freshCode(OWNER));
  await again.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await again.getByRole("button", { name: "Turn off two-factor" }).click();
  await expect(again.getByRole("status")).toHaveText("Two-factor authentication is off.");
  await again.goto(tenantUrl("westlands", "/"));
  await expect(again).toHaveURL(/\/two-factor\/setup$/);
  await second.close();

  const db = await connectOwner();
  const { rows } = await db.query<{ action: string }>(
    `SELECT a.action FROM audit_entry a JOIN app_user u ON u.id = a.actor_id WHERE u.email = $1 AND a.action LIKE 'auth.%two_factor%' ORDER BY a.seq`,
    [OWNER],
  );
  const stored = await db.query<{ totp_secret: string | null }>("SELECT totp_secret FROM app_user WHERE email = $1", [OWNER]);
  await db.end();
  expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["auth.two_factor_enabled", "auth.two_factor_failed", "auth.two_factor_disabled"]));
  expect(stored.rows[0]!.totp_secret).toBeNull();
});
