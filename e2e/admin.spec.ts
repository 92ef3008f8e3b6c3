import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_PASSWORD, freshCode, PORT, rawRequest, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { auditCount } from "./support/ground-truth";
import { actionId, postAction } from "./support/server-actions";

/**
 * The apex's platform side over real HTTP in Chromium: /admin for platform
 * admins only (M4.5), support access only inside the owner's window (P9),
 * suspension, and the district report of aggregates (B3.1).
 */
test.describe.configure({ mode: "serial" });

const apexUrl = (path: string) => `http://localhost:${PORT}${path}`;
const APEX = `localhost:${PORT}`;

async function passwordStep(page: Page, email: string): Promise<void> {
  await page.goto(apexUrl("/sign-in"));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The sign-in sends a platform admin to /admin, which sends them on to the second factor.
  await page.waitForURL((url) => ["/two-factor/setup", "/two-factor/verify", "/district"].includes(url.pathname));
}

/** Enrols through the apex page, keeping the key in the run's data dir like the tenant sign-in does. */
async function enrolPlatformTwoFactor(page: Page, email: string): Promise<void> {
  const secret = (await page.getByTestId("totp-key").textContent())!.replace(/\s/g, "");
  await page.getByLabel("Code from the app").fill(await freshCode(email, secret));
  await page.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByRole("link", { name: "Continue" }).click();
}

/** Password, then the platform admin's second factor (enrolment the first time, the check after). */
async function platformSignIn(page: Page, email: string): Promise<void> {
  await passwordStep(page, email);
  const { pathname } = new URL(page.url());
  if (pathname === "/two-factor/setup") {
    await enrolPlatformTwoFactor(page, email);
  } else if (pathname === "/two-factor/verify") {
    await page.getByLabel("Code from your app, or a recovery code").fill(await freshCode(email));
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

async function signedInPage(browser: Browser, sign: (page: Page) => Promise<void>): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await sign(page);
  return page;
}

const cookieHeader = async (page: Page, url: string) =>
  (await page.context().cookies(url))
    .filter((c) => c.name.includes("harambee.session"))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");

async function expectNotFoundPage(page: Page, url: string): Promise<void> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(404);
}

test("[M4.5] platform admin without 2FA is sent to enrolment; a session past the password alone reaches nothing under /admin", async ({ browser }) => {
  // A code is good once: a second code may wait for the next 30-second step.
  test.setTimeout(180_000);
  const db = await connectOwner();
  try {
    // The admin starts with no second factor, whatever an earlier run left.
    const user = (await db.query<{ id: string }>("SELECT id FROM app_user WHERE email = 'admin@harambee.test'")).rows[0];
    await db.query("DELETE FROM recovery_code WHERE user_id = $1", [user.id]);
    await db.query("UPDATE app_user SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1", [user.id]);

    const page = await (await browser.newContext()).newPage();
    await passwordStep(page, "admin@harambee.test");
    expect(page.url()).toBe(apexUrl("/two-factor/setup"));
    const passwordOnly = await cookieHeader(page, apexUrl("/"));
    for (const path of ["/admin", "/admin/support"]) {
      const response = await rawRequest({ host: APEX, path, headers: { cookie: passwordOnly } });
      expect([response.status, response.headers.location], path).toEqual([307, "/two-factor/setup"]);
    }
    const suspend = await postAction({
      host: APEX,
      path: "/admin",
      cookie: passwordOnly,
      id: actionId("app/admin/actions.ts", "suspendOrganizationAction"),
      call: { fields: { organizationId: user.id } },
    });
    expect(String(suspend.headers["x-action-redirect"])).toMatch(/^\/two-factor\/setup;/);
    await enrolPlatformTwoFactor(page, "admin@harambee.test");
    await expect(page.getByTestId("signed-in-as")).toHaveText("admin@harambee.test");
    const enrolled = (await db.query<{ chain: string | null }>("SELECT organization_id AS chain FROM audit_entry WHERE action = 'auth.two_factor_enabled' AND actor_id = $1", [user.id])).rows;
    // Recorded on the platform chain only (an earlier run's enrolments are there too).
    expect(enrolled.length).toBeGreaterThan(0);
    expect(enrolled.filter((r) => r.chain !== null)).toEqual([]);

    // The next sign-in stops at the check until a code is given.
    await page.getByRole("button", { name: "Sign out" }).click();
    // Let the sign-out finish before the next navigation, which would otherwise cut it short.
    await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
    await passwordStep(page, "admin@harambee.test");
    expect(page.url()).toBe(apexUrl("/two-factor/verify"));
    const unchecked = await cookieHeader(page, apexUrl("/"));
    const response = await rawRequest({ host: APEX, path: "/admin", headers: { cookie: unchecked } });
    expect([response.status, response.headers.location]).toEqual([307, "/two-factor/verify"]);
    // The enrolment page sends an enrolled admin to the check instead of offering a new key.
    expect((await page.goto(apexUrl("/two-factor/setup")))?.url()).toBe(apexUrl("/two-factor/verify"));
    await page.getByLabel("Code from your app, or a recovery code").fill(await freshCode("admin@harambee.test"));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByTestId("signed-in-as")).toHaveText("admin@harambee.test");
    await page.context().close();
  } finally {
    await db.end();
  }
});

test("[M4.5] tenant users, owners included, get 404 on /admin on the apex and on their subdomain; a platform admin reaches it", async ({ browser }) => {
  const owner = await signedInPage(browser, (p) => signIn(p, "kilimani", "owner@kilimani.test"));
  await expectNotFoundPage(owner, tenantUrl("kilimani", "/admin"));
  await expectNotFoundPage(owner, apexUrl("/admin"));
  // The owner's own password does not open the platform side.
  await owner.goto(apexUrl("/sign-in"));
  await owner.getByLabel("Email").fill("owner@kilimani.test");
  await owner.getByLabel("Password").fill(DEMO_PASSWORD);
  await owner.getByRole("button", { name: "Sign in" }).click();
  await expect(owner.getByText("That email and password do not match a platform account.")).toBeVisible();
  await expectNotFoundPage(owner, apexUrl("/admin"));
  // Even the owner's session cookie, forced onto the apex, opens nothing there.
  const ownerCookie = await cookieHeader(owner, tenantUrl("kilimani"));
  for (const path of ["/admin", "/admin/support", "/district"]) {
    expect((await rawRequest({ host: APEX, path, headers: { cookie: ownerCookie } })).status, path).toBe(404);
  }

  const admin = await signedInPage(browser, (p) => platformSignIn(p, "admin@harambee.test"));
  expect(admin.url()).toBe(apexUrl("/admin"));
  const list = admin.getByTestId("organization-list");
  for (const slug of ["ikeja-relief", "kilimani", "westlands"]) await expect(list.locator(`tr[data-organization="${slug}"]`)).toBeVisible();
  // The platform session is the apex's only: on a tenant host /admin is 404 and the app asks for a sign-in.
  const adminCookie = await cookieHeader(admin, apexUrl("/"));
  expect(adminCookie).not.toBe("");
  expect((await rawRequest({ host: `kilimani.localhost:${PORT}`, path: "/admin", headers: { cookie: adminCookie } })).status).toBe(404);
  const tenant = await rawRequest({ host: `kilimani.localhost:${PORT}`, path: "/members", headers: { cookie: adminCookie } });
  expect([tenant.status, tenant.headers.location]).toEqual([307, "/login"]);
  // Signed out, /admin is 404 too; after signing out the old cookie opens nothing.
  expect((await rawRequest({ host: APEX, path: "/admin" })).status).toBe(404);
  await admin.getByRole("button", { name: "Sign out" }).click();
  await expect(admin).toHaveURL(apexUrl("/sign-in"));
  expect((await rawRequest({ host: APEX, path: "/admin", headers: { cookie: adminCookie } })).status).toBe(404);
  await owner.context().close();
  await admin.context().close();
});

test("[P9] support access: 404 before the owner's grant, the register during it, 404 after expiry and after revoke; every step on both chains", async ({ browser }) => {
  const db = await connectOwner();
  try {
    const org = (await db.query<{ id: string }>("SELECT id FROM organization WHERE slug = 'westlands'")).rows[0];
    const auditOf = async () =>
      (
        await db.query<{ chain: string; action: string }>(
          `SELECT CASE WHEN organization_id IS NULL THEN 'platform' ELSE 'org' END AS chain, action FROM audit_entry
            WHERE action LIKE 'support.%' AND (organization_id = $1 OR (organization_id IS NULL AND (target_id = $1::text OR target_id IN (SELECT id::text FROM support_grant WHERE organization_id = $1))))
            ORDER BY at, seq`,
          [org.id],
        )
      ).rows.map((r) => `${r.chain} ${r.action}`);
    const before = (await auditOf()).length;
    const supportUrl = apexUrl(`/admin/support?organization=${org.id}`);

    const admin = await signedInPage(browser, (p) => platformSignIn(p, "admin@harambee.test"));
    await expectNotFoundPage(admin, supportUrl);

    const owner = await signedInPage(browser, (p) => signIn(p, "westlands", "owner@westlands.test"));
    await owner.goto(tenantUrl("westlands", "/support-access"));
    await expect(owner.getByTestId("support-grant-none")).toBeVisible();
    await owner.getByLabel("Let support in for").selectOption("4");
    await owner.getByRole("button", { name: "Let support in" }).click();
    await expect(owner.getByTestId("support-grant")).toBeVisible();

    expect((await admin.goto(supportUrl))?.status()).toBe(200);
    const members = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member WHERE organization_id = $1 AND status = 'ACTIVE'", [org.id])).rows[0].n;
    await expect(admin.getByTestId("support-member-list").locator("tr")).toHaveCount(members);

    // The window ends (moved into the past in the database, as the clock would): 404 again.
    await db.query("UPDATE support_grant SET created_at = now() - interval '5 hours', expires_at = now() - interval '1 hour' WHERE organization_id = $1 AND revoked_at IS NULL", [org.id]);
    await expectNotFoundPage(admin, supportUrl);

    // A new window, then the owner revokes it: 404 again.
    await owner.goto(tenantUrl("westlands", "/support-access"));
    await owner.getByRole("button", { name: "Let support in" }).click();
    await expect(owner.getByTestId("support-grant")).toBeVisible();
    expect((await admin.goto(supportUrl))?.status()).toBe(200);
    await owner.getByRole("button", { name: "Revoke now" }).click();
    await expect(owner.getByTestId("support-grant-none")).toBeVisible();
    await expectNotFoundPage(admin, supportUrl);

    const steps = ["support.access_denied", "support.grant", "support.access", "support.access_denied", "support.grant", "support.access", "support.revoke", "support.access_denied"];
    const recorded = (await auditOf()).slice(before);
    for (const chain of ["platform", "org"]) {
      expect(recorded.filter((r) => r.startsWith(`${chain} `)).map((r) => r.split(" ")[1]), chain).toEqual(steps);
    }
    await owner.context().close();
    await admin.context().close();
  } finally {
    await db.end();
  }
});

test("a suspended organisation's people see the suspended page instead of the app; restoring lets them back", async ({ browser }) => {
  const admin = await signedInPage(browser, (p) => platformSignIn(p, "admin@harambee.test"));
  const treasurer = await signedInPage(browser, (p) => signIn(p, "westlands", "treasurer@westlands.test"));
  const row = admin.getByTestId("organization-list").locator('tr[data-organization="westlands"]');
  await row.getByRole("button", { name: "Suspend" }).click();
  await expect(row.locator('[data-field="status"]')).toHaveText("suspended");

  await treasurer.goto(tenantUrl("westlands", "/members"));
  await expect(treasurer).toHaveURL(tenantUrl("westlands", "/suspended"));
  await expect(treasurer.getByRole("heading", { name: "Rotary Club of Westlands is suspended" })).toBeVisible();
  await expect(treasurer.getByTestId("member-list")).toHaveCount(0);
  // Its server actions are refused the same way, and change nothing.
  const db = await connectOwner();
  try {
    const before = await auditCount(db);
    const host = `westlands.localhost:${PORT}`;
    const response = await postAction({
      host,
      path: "/members/new",
      cookie: await cookieHeader(treasurer, tenantUrl("westlands")),
      id: actionId("app/(tenant)/(app)/members/actions.ts", "createMemberAction"),
      call: { fields: { firstName: "While", lastName: "Suspended" } },
    });
    expect(String(response.headers["x-action-redirect"])).toMatch(/^\/suspended;/);
    expect(await auditCount(db)).toBe(before);
    expect((await db.query("SELECT 1 FROM member WHERE last_name = 'Suspended'")).rowCount).toBe(0);
  } finally {
    await db.end();
  }
  // Another club carries on.
  const kilimani = await rawRequest({ host: `kilimani.localhost:${PORT}`, path: "/suspended" });
  expect([kilimani.status, kilimani.headers.location]).toEqual([307, "/"]);

  await row.getByRole("button", { name: "Restore" }).click();
  await expect(row.locator('[data-field="status"]')).toHaveText("active");
  await treasurer.goto(tenantUrl("westlands", "/members"));
  await expect(treasurer.getByTestId("member-list")).toBeVisible();
  await admin.context().close();
  await treasurer.context().close();
});

test("[M10.2] [B4.2] notices from /admin reach the owners' outbox: an incident to the ticked organisation, a sub-processor change to all", async ({ browser }) => {
  const db = await connectOwner();
  try {
    const admin = await signedInPage(browser, (p) => platformSignIn(p, "admin@harambee.test"));
    const tag = Date.now().toString(36);
    const incident = admin.getByTestId("incident-notice");
    await incident.locator('input[data-organization="kilimani"]').check();
    await incident.getByLabel("Subject").fill(`Incident ${tag}`);
    await incident.getByLabel("Notice").fill("A backup was exposed for two hours; no passwords were in it.");
    await incident.getByRole("button", { name: "Send incident notice" }).click();
    await expect(incident.getByRole("status")).toHaveText("Incident notice sent to 1 owner(s).");
    const to = async (subject: string) =>
      (await db.query<{ to: string; text: string }>(`SELECT "to", text FROM email_outbox WHERE subject = $1 ORDER BY "to"`, [`[Harambee] ${subject}`])).rows;
    expect((await to(`Incident ${tag}`)).map((m) => m.to)).toEqual(["owner@kilimani.test"]);

    const change = admin.getByTestId("subprocessor-notice");
    await change.getByLabel("Subject").fill(`Sub-processor change ${tag}`);
    await change.getByLabel("Notice").fill("We are adding an EU backup provider for encrypted backups.");
    await change.getByRole("button", { name: "Send sub-processor notice" }).click();
    await expect(change.getByRole("status")).toContainText("Sub-processor change notice sent to");
    const sent = await to(`Sub-processor change ${tag}`);
    expect(sent.map((m) => m.to)).toEqual(expect.arrayContaining(["owner@ikeja-relief.test", "owner@kilimani.test", "owner@westlands.test"]));
    for (const message of sent) expect(message.text).toMatch(/takes effect no sooner than \d{4}-\d{2}-\d{2}, 30 days after this notice/);
    await admin.context().close();
  } finally {
    await db.end();
  }
});

test("[B3.1] the district admin sees each club's member count, dues collected and arrears, and no member row anywhere", async ({ browser }) => {
  const db = await connectOwner();
  try {
    const district = await signedInPage(browser, (p) => platformSignIn(p, "district-admin@harambee.test"));
    expect(district.url()).toBe(apexUrl("/district"));
    // prisma/seed-dues.ts: open invoices of three plans over two Rotary years, and what the ledger holds for them (tests/seed.test.ts).
    const seeded = { kilimani: ["KES 728,000.00", "KES 523,000.00", "KES 205,000.00"], westlands: ["KES 612,000.00", "KES 439,500.00", "KES 172,500.00"] };
    for (const [slug, [invoiced, collected, arrears]] of Object.entries(seeded)) {
      const row = district.getByTestId("district-report").locator(`tr[data-club="${slug}"]`);
      const active = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM member m JOIN organization o ON o.id = m.organization_id WHERE o.slug = $1 AND m.status = 'ACTIVE'", [slug])).rows[0].n;
      await expect(row.locator('[data-figure="members"]')).toHaveText(String(active));
      await expect(row.locator('[data-figure="invoiced"]')).toHaveText(invoiced);
      await expect(row.locator('[data-figure="collected"]')).toHaveText(collected);
      await expect(row.locator('[data-figure="arrears"]')).toHaveText(arrears);
    }
    // The NGO is in no district: not in the report.
    await expect(district.getByTestId("district-report").locator("tbody tr")).toHaveCount(2);
    const html = await district.content();
    const names = (await db.query<{ last_name: string; id: string }>("SELECT m.last_name, m.id FROM member m JOIN organization o ON o.id = m.organization_id WHERE o.slug IN ('kilimani', 'westlands')")).rows;
    const words = new Set((await district.locator("body").innerText()).split(/\W+/));
    expect(names.filter((m) => words.has(m.last_name) || html.includes(m.id))).toEqual([]);

    await expectNotFoundPage(district, apexUrl("/admin"));
    // A district admin is no club's member: the club's sign-in refuses them.
    await district.goto(tenantUrl("kilimani", "/login"));
    await district.getByLabel("Email").fill("district-admin@harambee.test");
    await district.getByLabel("Password").fill(DEMO_PASSWORD);
    await district.getByRole("button", { name: "Sign in" }).click();
    await expect(district.getByText("That email and password do not match an account here.")).toBeVisible();
    await district.goto(tenantUrl("kilimani", "/members"));
    await expect(district).toHaveURL(tenantUrl("kilimani", "/login"));
    await district.context().close();
  } finally {
    await db.end();
  }
});
