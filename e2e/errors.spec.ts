import { expect, test } from "@playwright/test";
import { PORT, rawRequest, tenantUrl } from "./support/app";

// What the injected fault's message holds: SQL, a table, a file path. None of it may reach a user.
const INTERNALS = /Injected|SELECT|beneficiary|\/srv\/|\.tsx?:\d|node_modules|\n\s+at |Error:/i;

test("[M6.7] a forced server error in a production build shows the plain page with a reference, and no internals", async ({ page }) => {
  const response = await page.goto(`http://localhost:${PORT}/fault`);
  expect(response?.status()).toBe(500);
  await expect(page.getByRole("heading", { name: "Something went wrong" })).toBeVisible();
  const reference = await page.getByTestId("error-reference").innerText();
  expect(reference).toMatch(/^\d+$/);
  expect(await page.locator("body").innerText()).not.toMatch(INTERNALS);
  // Not in the markup or the payload either, where a script could read it.
  expect(await response!.text()).not.toMatch(INTERNALS);
});

test("[M6.7] a failing route handler answers { error, id } as JSON, and nothing else", async () => {
  const response = await rawRequest({ host: `localhost:${PORT}`, path: "/api/fault" });
  expect(response.status).toBe(500);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as Record<string, string>;
  expect(Object.keys(body).sort()).toEqual(["error", "id"]);
  expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(response.body).not.toMatch(INTERNALS);
});

test("[M6.7] a missing page is the plain 404 page", async ({ page }) => {
  const response = await page.goto(tenantUrl("kilimani", "/no/such/page"));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect(await response!.text()).not.toMatch(INTERNALS);
});
