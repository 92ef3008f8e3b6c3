import { expect, test } from "@playwright/test";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";

test("[B3.5] a Kilimani treasurer sees Kilimani's members and nothing of Westlands", async ({ browser }) => {
  const westlands = await browser.newContext();
  const westlandsPage = await westlands.newPage();
  await signIn(westlandsPage, "westlands", "treasurer@westlands.test");
  await westlandsPage.goto(tenantUrl("westlands", "/members"));
  const westlandsMemberHref = await westlandsPage.getByTestId("member-list").getByRole("link").first().getAttribute("href");
  expect(westlandsMemberHref).toMatch(/^\/members\/[0-9a-f-]{36}$/);
  await westlands.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  await page.goto(tenantUrl("kilimani", "/members"));
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
  // Exactly Kilimani's active members as the database has them (other specs may have added some).
  const db = await connectOwner();
  const kilimaniMembers = await db
    .query<{ id: string }>("SELECT m.id FROM member m JOIN organization o ON o.id = m.organization_id WHERE o.slug = 'kilimani' AND m.status = 'ACTIVE'")
    .finally(() => db.end());
  expect(kilimaniMembers.rows.length).toBeGreaterThanOrEqual(30);
  const links = page.getByTestId("member-list").getByRole("link");
  await expect(links).toHaveCount(kilimaniMembers.rows.length);
  const listed = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  expect(listed.sort()).toEqual(kilimaniMembers.rows.map((m) => `/members/${m.id}`).sort());
  expect(listed).not.toContain(westlandsMemberHref);

  // The same browser, with Kilimani's session, on Westlands' host: a login page, never data.
  const response = await page.goto(tenantUrl("westlands", "/members"));
  expect(page.url()).toBe(tenantUrl("westlands", "/login"));
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByTestId("member-list")).toHaveCount(0);

  // A Westlands member's URL on Kilimani's host: 404.
  const foreign = await page.goto(tenantUrl("kilimani", westlandsMemberHref!));
  expect(foreign?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await context.close();
});

test("[B3.5] the session cookie is host-only: it is never sent to another club's subdomain", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  const cookies = await context.cookies(tenantUrl("westlands"));
  expect(cookies.filter((c) => c.name.includes("harambee.session"))).toEqual([]);
  const own = (await context.cookies(tenantUrl("kilimani"))).find((c) => c.name.includes("harambee.session"));
  expect(own).toMatchObject({ domain: "kilimani.localhost", httpOnly: true, sameSite: "Lax", path: "/" });
  await context.close();
});

test("[M6.8] a request with an unknown Host is refused with 404 before any tenant lookup", async () => {
  for (const host of ["evil.example", `127.0.0.1:${PORT}`, `www.localhost:${PORT}`, `a.b.localhost:${PORT}`]) {
    const response = await rawRequest({ host, path: "/members" });
    expect(response.status, host).toBe(404);
    expect(response.body, host).toBe("Not found");
  }
});

test("an unknown organisation's subdomain answers the 404 page", async ({ page }) => {
  const response = await page.goto(tenantUrl("no-such-club", "/login"));
  expect(response?.status()).toBe(404);
});

test("tenant pages exist only on tenant hosts, and the public site only on the apex", async () => {
  for (const path of ["/members", "/login"]) {
    expect((await rawRequest({ host: `localhost:${PORT}`, path })).status, `apex ${path}`).toBe(404);
  }
  for (const path of ["/site", "/site/anything", "/admin"]) {
    expect((await rawRequest({ host: `kilimani.localhost:${PORT}`, path })).status, `tenant ${path}`).toBe(404);
  }
  expect((await rawRequest({ host: `localhost:${PORT}`, path: "/" })).status).toBe(200);
});

test("GET /api/health reports the database, the worker and the migrations", async () => {
  const response = await rawRequest({ host: `localhost:${PORT}`, path: "/api/health" });
  expect(response.status).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ status: "ok", db: "ok", jobs: "ok", migrations: "ok" });
});
