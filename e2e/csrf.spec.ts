import { expect, test, type BrowserContext, type Request } from "@playwright/test";
import { PORT, rawRequest, signIn, tenantUrl } from "./support/app";

const kilimani = `kilimani.localhost:${PORT}`;
const ownOrigin = `http://${kilimani}`;

/** A treasurer's real create-member action request, captured in Chromium and not sent. */
async function captureCreateMember(context: BrowserContext): Promise<{ actionId: string; contentType: string; body: string; cookie: string }> {
  const page = await context.newPage();
  await signIn(page, "kilimani", "treasurer@kilimani.test");
  await page.goto(tenantUrl("kilimani", "/members/new"));
  let captured: Request | undefined;
  await page.route("**/members/new", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    captured = route.request();
    await route.abort();
  });
  await page.getByLabel("First name").fill("CSRFNAME");
  await page.getByLabel("Last name").fill("Csrfprobe");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect.poll(() => captured).toBeDefined();
  const headers = await captured!.allHeaders();
  const cookie = (await context.cookies(tenantUrl("kilimani"))).map((c) => `${c.name}=${c.value}`).join("; ");
  await page.close();
  return { actionId: headers["next-action"], contentType: headers["content-type"], body: captured!.postData() ?? "", cookie };
}

async function register(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  await page.goto(tenantUrl("kilimani", "/members?q=Csrfprobe&archived=1"));
  const text = await page.getByRole("main").innerText();
  await page.close();
  return text;
}

test("[M6.3] a replayed server action is refused from another site, another tenant, or with no or a null Origin; from its own origin it works; as a GET it does nothing", async ({ browser }) => {
  const context = await browser.newContext();
  const action = await captureCreateMember(context);
  const send = (firstName: string, headers: Record<string, string>, method = "POST") =>
    rawRequest({
      host: kilimani,
      path: "/members/new",
      method,
      headers: { "next-action": action.actionId, "content-type": action.contentType, accept: "text/x-component", cookie: action.cookie, ...headers },
      body: action.body.replace("CSRFNAME", firstName),
    });

  const refused: Array<[string, Record<string, string>]> = [
    ["Crossorigin", { origin: "http://evil.example", "sec-fetch-site": "cross-site" }],
    ["Crosstenant", { origin: `http://westlands.localhost:${PORT}`, "sec-fetch-site": "same-site" }],
    ["Crosstenantnometa", { origin: `http://westlands.localhost:${PORT}` }],
    ["Noorigin", {}],
    ["Nullorigin", { origin: "null" }],
    ["Fetchmetadata", { origin: ownOrigin, "sec-fetch-site": "cross-site" }],
  ];
  for (const [name, headers] of refused) {
    const response = await send(name, headers);
    expect(response.status, name).toBe(403);
    expect(JSON.parse(response.body), name).toMatchObject({ error: expect.stringMatching(/did not come from this site/), id: expect.any(String) });
  }
  const allowed = await send("Sameorigin", { origin: ownOrigin, "sec-fetch-site": "same-origin" });
  expect(allowed.status).toBe(200);
  expect(allowed.headers["x-action-redirect"]).toMatch(/^\/members\/[0-9a-f-]{36}/);
  // GET never changes state, even carrying a valid action from its own origin.
  const viaGet = await send("Viaget", { origin: ownOrigin, "sec-fetch-site": "same-origin" }, "GET");
  expect(viaGet.headers["x-action-redirect"]).toBeUndefined();

  const listed = await register(context);
  expect(listed).toContain("Csrfprobe, Sameorigin");
  for (const name of [...refused.map(([n]) => n), "Viaget"]) expect(listed).not.toContain(name);

  // Archive it again, so the register looks as seeded to the tests that count it.
  const page = await context.newPage();
  await page.goto(tenantUrl("kilimani", "/members?q=Csrfprobe"));
  await page.getByRole("link", { name: "Csrfprobe, Sameorigin" }).click();
  await page.getByRole("button", { name: "Archive member" }).click();
  await expect(page).toHaveURL(tenantUrl("kilimani", "/members"));
  await context.close();
});

test("[M6.3] a real cross-site form in Chromium, from another site or another tenant's page, is refused", async ({ browser }) => {
  const context = await browser.newContext();
  const action = await captureCreateMember(context);
  const form = (firstName: string) => `<form id="f" method="post" enctype="multipart/form-data" action="${tenantUrl("kilimani", "/members/new")}">
      <input name="$ACTION_ID_${action.actionId}" value=""><input name="firstName" value="${firstName}"><input name="lastName" value="Csrfprobe">
    </form><script>document.getElementById("f").submit()</script>`;
  await context.route("http://evil.example/**", (route) => route.fulfill({ contentType: "text/html", body: form("Evilsite") }));
  await context.route(tenantUrl("westlands", "/attacker-page"), (route) => route.fulfill({ contentType: "text/html", body: form("Othertenant") }));

  for (const attacker of ["http://evil.example/", tenantUrl("westlands", "/attacker-page")]) {
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url() === tenantUrl("kilimani", "/members/new") && r.request().method() === "POST");
    await page.goto(attacker);
    const response = await answer;
    expect(response.status(), attacker).toBe(403);
    expect(response.request().headers()["origin"], attacker).toBe(new URL(attacker).origin);
    await page.close();
  }
  const listed = await register(context);
  expect(listed).not.toContain("Evilsite");
  expect(listed).not.toContain("Othertenant");
  await context.close();
});

test("[M6.3] route handlers: a state-changing request from elsewhere is refused; webhooks are left to their signatures", async () => {
  const signout = await rawRequest({ host: kilimani, path: "/api/auth/signout", method: "POST", headers: { origin: "http://evil.example" } });
  expect(signout.status).toBe(403);
  const noOrigin = await rawRequest({ host: kilimani, path: "/api/auth/callback/credentials", method: "POST" });
  expect(noOrigin.status).toBe(403);
  // No Origin, yet it passes the Origin check: the webhook refuses it for its missing signature (400), not a 403.
  const webhook = await rawRequest({ host: kilimani, path: "/api/webhooks/stripe", method: "POST", body: "{}" });
  expect(webhook.status).toBe(400);
});
