import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";

export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const DEMO_PASSWORD = "Harambee-Demo-2026!";

/** The browser address of an organisation (Chromium resolves *.localhost). */
export const tenantUrl = (slug: string, path = "/") => `http://${slug}.localhost:${PORT}${path}`;

/**
 * Signs in through the form. Whoever must use two-factor (owners) is sent to
 * enrol the first time: this enrols through the page, keeping the key in the
 * run's data dir, and later answers the check with a fresh code from it.
 */
export async function signIn(page: Page, slug: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(tenantUrl(slug, "/login"));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/login" && url.pathname !== "/login/submit");
  if (new URL(page.url()).pathname === "/two-factor/setup") {
    const secret = (await page.getByTestId("totp-key").textContent())!.replace(/\s/g, "");
    await page.getByLabel("Code from the app").fill(await freshCode(email, secret));
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
    await page.getByRole("link", { name: "Continue" }).click();
  } else if (new URL(page.url()).pathname === "/two-factor/verify") {
    await page.getByLabel("Code from your app, or a recovery code").fill(await freshCode(email));
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

type TotpKeys = Record<string, { secret: string; lastStep: number }>;
const keysFile = () => path.join(process.env.E2E_DATA_DIR!, "totp-keys.json");

/** A code for a step not used before (a code is good once): waits for the next step when needed. */
export async function freshCode(email: string, newSecret?: string): Promise<string> {
  const keys: TotpKeys = existsSync(keysFile()) ? (JSON.parse(readFileSync(keysFile(), "utf8")) as TotpKeys) : {};
  const secret = newSecret ?? keys[email]?.secret;
  if (!secret) throw new Error(`no TOTP key kept for ${email}`);
  let step = Math.floor(Date.now() / 30_000);
  const last = newSecret ? -1 : (keys[email]?.lastStep ?? -1);
  if (step <= last) {
    await new Promise((r) => setTimeout(r, (last + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  keys[email] = { secret, lastStep: step };
  writeFileSync(keysFile(), JSON.stringify(keys));
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: step * 30_000 + 1 });
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Plain HTTP to 127.0.0.1 with any Host header (Node's resolver does not know *.localhost). */
export function rawRequest(options: { host: string; path: string; method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: PORT, path: options.path, method: options.method ?? "GET", headers: { host: options.host, ...options.headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}
