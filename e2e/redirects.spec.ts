import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, PORT, rawRequest, signIn, tenantUrl } from "./support/app";

async function signInWith(page: import("@playwright/test").Page, next: string): Promise<void> {
  await page.goto(tenantUrl("kilimani", `/login?next=${encodeURIComponent(next)}`));
  await page.getByLabel("Email").fill("treasurer@kilimani.test");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText("treasurer@kilimani.test");
}

test("[M6.5] after sign-in, ?next= takes you to a named page of this organisation", async ({ page }) => {
  await signInWith(page, "/members?q=a");
  await expect(page).toHaveURL(tenantUrl("kilimani", "/members?q=a"));
});

test("[M6.5] after sign-in, ?next= pointing anywhere else lands on the dashboard", async ({ browser }) => {
  for (const next of ["//evil.com", "https://evil.com", "/\\evil.com", "/%2F%2Fevil.com", `http://westlands.localhost:${PORT}/members`]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWith(page, next);
    await expect(page, next).toHaveURL(tenantUrl("kilimani", "/"));
    await context.close();
  }
});

test("[M6.5] a signed-in visit to the login page follows only a safe ?next=", async ({ page }) => {
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  await page.goto(tenantUrl("kilimani", "/login?next=/members/new"));
  await expect(page).toHaveURL(tenantUrl("kilimani", "/members/new"));
  await page.goto(tenantUrl("kilimani", `/login?next=${encodeURIComponent("https://evil.com/")}`));
  await expect(page).toHaveURL(tenantUrl("kilimani", "/"));
});

test("[M6.5] Auth.js's callbackUrl is held to the same list", async () => {
  const response = await rawRequest({ host: `kilimani.localhost:${PORT}`, path: `/api/auth/signin?callbackUrl=${encodeURIComponent("https://evil.com/steal")}` });
  const cookies = ([] as string[]).concat(response.headers["set-cookie"] ?? []);
  const callback = cookies.find((c) => c.includes("callback-url"));
  expect(callback).toBeDefined();
  expect(decodeURIComponent(callback!.split(";")[0].split("=").slice(1).join("="))).toBe(`http://kilimani.localhost:${PORT}/`);
  expect(String(response.headers.location ?? "")).not.toContain("evil.com");
});
