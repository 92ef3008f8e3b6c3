import { expect, test } from "@playwright/test";
import { signIn, tenantUrl } from "./support/app";

test("signing out ends the session on the server: the old cookie no longer opens any page", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "kilimani", "admin@kilimani.test");
  const stolen = (await context.cookies()).filter((c) => c.name.includes("harambee.session"));
  expect(stolen).toHaveLength(1);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(tenantUrl("kilimani", "/login"));

  // Someone who copied the cookie before sign-out gets the login page, not data.
  const replay = await browser.newContext();
  await replay.addCookies(stolen);
  const replayPage = await replay.newPage();
  await replayPage.goto(tenantUrl("kilimani", "/members"));
  await expect(replayPage).toHaveURL(tenantUrl("kilimani", "/login"));
  await expect(replayPage.getByTestId("member-list")).toHaveCount(0);
  await Promise.all([context.close(), replay.close()]);
});
