import { expect, test } from "@playwright/test";
import { PORT, rawRequest, tenantUrl, type RawResponse } from "./support/app";

const apex = `localhost:${PORT}`;
const kilimani = `kilimani.localhost:${PORT}`;

function expectSecurityHeaders(response: RawResponse, label: string): void {
  const h = response.headers;
  expect(h["strict-transport-security"], label).toBe("max-age=63072000; includeSubDomains; preload");
  expect(h["x-frame-options"], label).toBe("DENY");
  expect(h["x-content-type-options"], label).toBe("nosniff");
  expect(h["referrer-policy"], label).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"], label).toMatch(/camera=\(\), .*geolocation=\(\), .*microphone=\(\)/);
  const csp = String(h["content-security-policy"]);
  expect(csp, label).toContain("frame-ancestors 'none'");
  const scriptSrc = csp.split("; ").find((d) => d.startsWith("script-src"));
  if (scriptSrc) {
    expect(scriptSrc, label).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'$/);
  } else {
    expect(csp, label).toContain("default-src 'none'");
  }
}

test("[M6.4] [B1.1] a page, a 404, an error, an API response, a static file and a refused host all carry the security headers", async () => {
  const page = await rawRequest({ host: kilimani, path: "/login" });
  expect(page.status).toBe(200);
  const staticFile = page.body.match(/src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
  expect(staticFile).toBeDefined();
  const responses: Array<[string, RawResponse, number]> = [
    ["tenant page", page, 200],
    ["apex page", await rawRequest({ host: apex, path: "/security" }), 200],
    ["404 page", await rawRequest({ host: kilimani, path: "/no-such-page" }), 404],
    ["error page", await rawRequest({ host: apex, path: "/fault" }), 500],
    ["API response", await rawRequest({ host: apex, path: "/api/health" }), 200],
    ["API error", await rawRequest({ host: apex, path: "/api/fault" }), 500],
    ["static file", await rawRequest({ host: kilimani, path: staticFile! }), 200],
    ["unknown host", await rawRequest({ host: "evil.example", path: "/" }), 404],
    ["refused cross-site POST", await rawRequest({ host: kilimani, path: "/login", method: "POST", headers: { origin: "https://evil.example" } }), 403],
  ];
  for (const [label, response, status] of responses) {
    expect(response.status, label).toBe(status);
    expectSecurityHeaders(response, label);
  }
});

test("[M6.4] every page gets a fresh nonce, and only the page's own script tags carry it", async () => {
  const first = await rawRequest({ host: kilimani, path: "/login" });
  const second = await rawRequest({ host: kilimani, path: "/login" });
  const nonceOf = (r: RawResponse) => String(r.headers["content-security-policy"]).match(/'nonce-([^']+)'/)![1];
  expect(nonceOf(first)).not.toBe(nonceOf(second));
  const scripts = [...first.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonceOf(first)}"`);
});

test("[M6.4] in Chromium an injected inline script and inline handler are blocked, and the page's own scripts still run", async ({ browser }) => {
  const injection =
    `<script>document.documentElement.dataset.injected = "script"</script>` +
    `<img src="/missing.png" onerror="document.documentElement.dataset.handler = 'ran'">`;

  async function visit(keepPolicy: boolean) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/.test(message.text())) violations.push(message.text());
    });
    // Stands in for a stored or reflected XSS: the real response, with attacker markup in its body.
    // (Fetched with rawRequest: Playwright's own fetch cannot resolve *.localhost.)
    await page.route(tenantUrl("kilimani", "/login"), async (route) => {
      const real = await rawRequest({ host: kilimani, path: "/login" });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(real.headers)) {
        if (value === undefined || ["content-length", "transfer-encoding", "connection", "keep-alive"].includes(name)) continue;
        if (name === "content-security-policy" && !keepPolicy) continue;
        headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      await route.fulfill({ status: real.status, headers, body: real.body.replace(/<body([^>]*)>/, `<body$1>${injection}`) });
    });
    await page.goto(tenantUrl("kilimani", "/login"));
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    const state = await page.evaluate(() => ({ ...document.documentElement.dataset }));
    await context.close();
    return { state, violations };
  }

  // Control: without the policy the same injection runs, so the harness would notice.
  const open = await visit(false);
  expect(open.state).toMatchObject({ hydrated: "true", injected: "script", handler: "ran" });

  const guarded = await visit(true);
  expect(guarded.state.hydrated).toBe("true");
  expect(guarded.state.injected).toBeUndefined();
  expect(guarded.state.handler).toBeUndefined();
  expect(guarded.violations.some((v) => /inline script/.test(v))).toBe(true);
  expect(guarded.violations.some((v) => /inline event handler/.test(v))).toBe(true);
});

test("[M6.4] the pages cannot be framed by another site", async ({ browser }) => {
  async function framed(keepHeaders: boolean): Promise<{ url: string; signInButtons: number }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route("http://attacker.example/", (route) =>
      route.fulfill({ contentType: "text/html", body: `<iframe src="${tenantUrl("kilimani", "/login")}"></iframe>` }),
    );
    await page.route(tenantUrl("kilimani", "/login"), async (route) => {
      const real = await rawRequest({ host: kilimani, path: "/login" });
      const headers: Record<string, string> = { "content-type": "text/html; charset=utf-8" };
      if (keepHeaders) {
        headers["content-security-policy"] = String(real.headers["content-security-policy"]);
        headers["x-frame-options"] = String(real.headers["x-frame-options"]);
      }
      await route.fulfill({ status: real.status, headers, body: real.body });
    });
    await page.goto("http://attacker.example/");
    await expect.poll(() => page.frames().length).toBe(2);
    const child = page.frames()[1];
    await child.waitForLoadState("load");
    const result = { url: child.url(), signInButtons: await child.getByRole("button", { name: "Sign in" }).count() };
    await context.close();
    return result;
  }
  // Control: the same page without its headers does render inside the attacker's frame.
  expect(await framed(false)).toEqual({ url: tenantUrl("kilimani", "/login"), signInButtons: 1 });
  const guarded = await framed(true);
  expect(guarded.signInButtons).toBe(0);
  expect(guarded.url).toMatch(/^chrome-error:/);
});
