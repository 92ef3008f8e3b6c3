import { expect, test, type Request } from "@playwright/test";
import { signIn, tenantUrl } from "./support/app";

test("a treasurer adds, edits and archives a member, with field errors beside the field", async ({ page }) => {
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  await page.goto(tenantUrl("kilimani", "/members/new"));
  await page.getByLabel("Last name").fill("Ndegwa");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.locator("#firstName-error")).toHaveText("First name is required");
  await expect(page.locator("#email-error")).toHaveText("Enter a valid email address");

  await page.getByLabel("First name").fill("Zawadi");
  await page.getByLabel("Email").fill("zawadi.ndegwa@example.org");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("member-name")).toHaveText("Zawadi Ndegwa");
  expect(page.url()).toMatch(/\/members\/[0-9a-f-]{36}$/);

  await page.getByLabel("Phone").fill("+254 722 000111");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");

  await page.goto(tenantUrl("kilimani", "/members?q=ndegwa"));
  await expect(page.getByTestId("member-list").getByRole("link", { name: "Ndegwa, Zawadi" })).toBeVisible();
  await page.getByRole("link", { name: "Ndegwa, Zawadi" }).click();
  await page.getByRole("button", { name: "Archive member" }).click();
  await expect(page).toHaveURL(tenantUrl("kilimani", "/members"));
  await page.goto(tenantUrl("kilimani", "/members?q=ndegwa"));
  await expect(page.getByText("No members match.")).toBeVisible();
});

test("[M4.4] a viewer posting the create-member action gets 404 and no row is written", async ({ browser }) => {
  // Capture a real create-member action request made by a treasurer…
  const treasurer = await browser.newContext();
  const treasurerPage = await treasurer.newPage();
  await signIn(treasurerPage, "kilimani", "treasurer@kilimani.test");
  await treasurerPage.goto(tenantUrl("kilimani", "/members/new"));
  let captured: Request | undefined;
  await treasurerPage.route("**/members/new", async (route) => {
    if (route.request().method() === "POST") {
      captured = route.request();
      await route.abort();
    } else await route.continue();
  });
  await treasurerPage.getByLabel("First name").fill("Forged");
  await treasurerPage.getByLabel("Last name").fill("Byviewer");
  await treasurerPage.getByRole("button", { name: "Add member" }).click();
  await expect.poll(() => captured).toBeDefined();
  const headers = await captured!.allHeaders();
  const body = captured!.postData() ?? "";
  await treasurer.close();

  // …and replay it with a viewer's session.
  const viewer = await browser.newContext();
  const viewerPage = await viewer.newPage();
  await signIn(viewerPage, "kilimani", "viewer@kilimani.test");
  const status = await viewerPage.evaluate(
    async ({ actionId, contentType, body }) => {
      const response = await fetch("/members/new", {
        method: "POST",
        headers: { "next-action": actionId, "content-type": contentType, accept: "text/x-component" },
        body,
      });
      return response.status;
    },
    { actionId: headers["next-action"], contentType: headers["content-type"], body },
  );
  expect(status).toBe(404);

  // The viewer can read the register: nobody named Byviewer exists.
  await viewerPage.goto(tenantUrl("kilimani", "/members?q=Byviewer&archived=1"));
  await expect(viewerPage.getByText("No members match.")).toBeVisible();
  // And the viewer's own page for adding members is a 404 too.
  expect((await viewerPage.goto(tenantUrl("kilimani", "/members/new")))?.status()).toBe(404);
  await viewer.close();
});
