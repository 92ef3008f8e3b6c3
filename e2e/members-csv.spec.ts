import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import type { RoleName } from "../lib/authz/capabilities";
import { DEMO_PASSWORD, signIn, tenantUrl } from "./support/app";
import { connectOwner } from "./support/database";
import { releaseServerDatabase, serverDatabase } from "./support/dues";

/**
 * Members CSV in Chromium against the production build (promise P2): a
 * 5,000-row import shows its progress bar and adds everyone; the same file
 * again adds no one and reports each duplicate; a club's export imports into
 * a new club and exports back the same; bad files get a clear message.
 * Each test makes its own club through the organisations service, so the
 * seeded clubs other specs count are untouched.
 */
test.describe.configure({ mode: "serial" });
test.afterAll(() => releaseServerDatabase());

const HEADER = "first_name,last_name,email,phone,nin,bvn,date_of_birth,address";

async function newClub(roles: RoleName[] = ["TREASURER"]) {
  serverDatabase();
  const { platformSystemActor } = await import("../lib/authz/actor");
  const { createOrganization, addPersonToOrganization } = await import("../lib/services/organizations");
  const platform = platformSystemActor("e2e", ["platform:provision"]);
  const slug = `csv-${randomBytes(4).toString("hex")}`;
  const { id } = await createOrganization(platform, { slug, name: `CSV club ${slug}`, kind: "CLUB" });
  for (const role of roles) await addPersonToOrganization(platform, { organizationId: id, email: `${role.toLowerCase()}@${slug}.test`, name: `${role} ${slug}`, password: DEMO_PASSWORD, role });
  return { id, slug, treasurer: `treasurer@${slug}.test` };
}

async function memberCount(organizationId: string): Promise<number> {
  const db = await connectOwner();
  try {
    return Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM member WHERE organization_id = $1", [organizationId])).rows[0].n);
  } finally {
    await db.end();
  }
}

/** Chooses the file on the import page and checks it. */
async function upload(page: Page, slug: string, name: string, buffer: Buffer) {
  await page.goto(tenantUrl(slug, "/members/import"));
  // The form runs in React: choosing a file before the page is hydrated would be lost.
  await page.waitForLoadState("networkidle");
  await page.getByLabel(/CSV file/).setInputFiles({ name, mimeType: "text/csv", buffer });
  await page.getByRole("button", { name: "Check file" }).click();
}

/** 5,000 distinct people, as a spreadsheet would save them (BOM, CRLF). */
function fiveThousand(): Buffer {
  const rows = Array.from({ length: 5_000 }, (_, i) => `Member,Number ${i},member${i}@example.org,+2547${String(10_000_000 + i).slice(-8)},,,,Nairobi`);
  return Buffer.from(`\ufeff${[HEADER, ...rows].join("\r\n")}\r\n`, "utf8");
}

test("[P2] a 5,000-row CSV imports with a progress bar; the same file again adds 0 rows and reports each duplicate", async ({ page }) => {
  test.setTimeout(240_000);
  const club = await newClub();
  await signIn(page, club.slug, club.treasurer);
  await page.goto(tenantUrl(club.slug, "/members"));
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page).toHaveURL(tenantUrl(club.slug, "/members/import"));

  const file = fiveThousand();
  await upload(page, club.slug, "members.csv", file);
  await expect(page.getByTestId("import-summary")).toHaveText("5000 rows: 0 duplicates, 5000 to add.", { timeout: 60_000 });
  await expect(page.getByTestId("import-sample").locator("tbody tr")).toHaveCount(10);
  await page.getByRole("button", { name: "Import 5000 members" }).click();
  const bar = page.getByTestId("import-progress");
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("max", "5000");
  await expect(page.getByTestId("import-result")).toHaveText("Imported 5000 members; 0 duplicates skipped.", { timeout: 120_000 });
  expect(await memberCount(club.id)).toBe(5_000);

  await upload(page, club.slug, "members.csv", file);
  await expect(page.getByTestId("import-summary")).toHaveText("5000 rows: 5000 duplicates, 0 to add.", { timeout: 60_000 });
  const duplicates = page.getByTestId("import-duplicates").locator("tbody tr");
  await expect(duplicates).toHaveCount(5_000);
  await expect(duplicates.first()).toHaveText(["2", "email", "Already a member with this email"].join(""));
  await page.getByRole("button", { name: "Import 0 members" }).click();
  await expect(page.getByTestId("import-result")).toHaveText("Imported 0 members; 5000 duplicates skipped.", { timeout: 120_000 });
  expect(await memberCount(club.id)).toBe(5_000);
});

test("[P2] an export, re-imported into a new club, round-trips", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // The seeded club's register, as its treasurer downloads it from the members page.
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  await page.goto(tenantUrl("kilimani", "/members"));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const exported = await readFile((await download.path())!, "utf8");
  const lines = exported.split("\r\n").filter(Boolean);
  expect(lines[0]).toBe(HEADER);
  expect(lines.length).toBeGreaterThan(1);

  const club = await newClub();
  const context = await browser.newContext();
  const other = await context.newPage();
  await signIn(other, club.slug, club.treasurer);
  await upload(other, club.slug, download.suggestedFilename(), Buffer.from(exported, "utf8"));
  await expect(other.getByTestId("import-summary")).toHaveText(`${lines.length - 1} rows: 0 duplicates, ${lines.length - 1} to add.`);
  await other.getByRole("button", { name: /^Import \d+ members?$/ }).click();
  await expect(other.getByTestId("import-result")).toHaveText(`Imported ${lines.length - 1} ${lines.length === 2 ? "member" : "members"}; 0 duplicates skipped.`);

  await other.goto(tenantUrl(club.slug, "/members"));
  const [again] = await Promise.all([other.waitForEvent("download"), other.getByRole("link", { name: "Export CSV" }).click()]);
  const back = await readFile((await again.path())!, "utf8");
  // The same people, field for field (two with the same name may trade places: the order's last key is the new id).
  expect(back.split("\r\n").filter(Boolean).sort()).toEqual([...lines].sort());
  await context.close();
});

test("[P2] a wrong header, a bad row and an 11 MB file each get a clear message, and nothing is written", async ({ page }) => {
  test.setTimeout(120_000);
  const club = await newClub();
  await signIn(page, club.slug, club.treasurer);

  await upload(page, club.slug, "wrong.csv", Buffer.from("name,email\nAmina Otieno,amina@example.org\n"));
  await expect(page.locator("#file-error")).toContainText("The first line is not the member header (missing first_name, last_name");

  await upload(page, club.slug, "bad.csv", Buffer.from(`${HEADER}\nAmina,Otieno,amina@example.org,,,,,\n,Kamau,not-an-email,,,,,\n`));
  await expect(page.getByTestId("import-summary")).toHaveText("2 rows: 1 with problems, 0 duplicates, 0 to add.");
  await expect(page.getByTestId("import-problems").locator("tbody tr")).toHaveText(["3first_nameFirst name is required", "3emailEnter a valid email address"]);
  await expect(page.getByRole("button", { name: /^Import/ })).toHaveCount(0);

  const big = Buffer.alloc(11 * 1024 * 1024, "Amina,Otieno,amina@example.org,+254712000001,,,,Nairobi\n");
  big.write(`${HEADER}\n`);
  await upload(page, club.slug, "big.csv", big);
  await expect(page.locator("#file-error")).toHaveText("The file is larger than 10 MB. Split it into smaller files and import each.");
  expect(await memberCount(club.id)).toBe(0);
});
