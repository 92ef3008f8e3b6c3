import { expect, test } from "@playwright/test";
import { parseSecurityTxt } from "../tests/support/security-txt";
import { PORT, rawRequest } from "./support/app";

const apex = (path: string) => `http://localhost:${PORT}${path}`;

test("[M13.1] [B6.1] /.well-known/security.txt on the apex parses (RFC 9116) with every field and a future Expires", async () => {
  const response = await rawRequest({ host: `localhost:${PORT}`, path: "/.well-known/security.txt" });
  expect(response.status).toBe(200);
  expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
  const { fields, problems } = parseSecurityTxt(response.body, new Date());
  expect(problems).toEqual([]);
  for (const field of ["contact", "expires", "policy", "acknowledgments", "preferred-languages"]) {
    expect(fields.get(field)?.length, field).toBeGreaterThan(0);
  }
  expect(new Date(fields.get("expires")![0]).getTime()).toBeGreaterThan(Date.now());
});

test("[M13.1] the security page gives the disclosure contact and policy, and links every claim to its promise in the map", async ({ page }) => {
  await page.goto(apex("/security"));
  await expect(page.getByRole("heading", { name: "Reporting a vulnerability" })).toBeVisible();
  await expect(page.locator('a[href="mailto:security@localhost"]')).toBeVisible();
  await expect(page.getByRole("heading", { name: "Disclosure policy" })).toBeVisible();
  const badges = page.locator("[data-promise]");
  expect(await badges.count()).toBeGreaterThan(20);
  const headers = page.locator('[data-promise="M6.4"]').first();
  await expect(headers).toHaveAttribute("data-status", "kept");
  await headers.click();
  await expect(page).toHaveURL(apex("/security/promises#M6.4"));
  await expect(page.locator('tr[id="M6.4"]')).toContainText("e2e/security-headers.spec.ts");
});

test("[B6.1] the advisory log lists each advisory with its credit", async ({ page }) => {
  await page.goto(apex("/security/advisories"));
  const log = page.getByTestId("advisory-log");
  await expect(log.locator("li")).not.toHaveCount(0);
  await expect(log.locator('li[id="HAR-2026-001"]')).toContainText("Credit");
});

test("[B4.2] the sub-processors page lists Stripe, Safaricom M-Pesa, hosting and Resend", async ({ page }) => {
  await page.goto(apex("/subprocessors"));
  const table = page.getByTestId("subprocessors");
  for (const name of ["Stripe", "Safaricom", "M-Pesa", "hosting provider", "Resend"]) await expect(table, name).toContainText(name);
});

test("the privacy notice covers lawful bases, retention and data-subject rights", async ({ page }) => {
  await page.goto(apex("/privacy"));
  for (const heading of ["Lawful bases", "How long we keep it", "Your rights"]) {
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  }
});

test("the public pages live on the apex only", async () => {
  for (const path of ["/security", "/privacy", "/subprocessors"]) {
    expect((await rawRequest({ host: `kilimani.localhost:${PORT}`, path })).status, path).toBe(404);
  }
});
