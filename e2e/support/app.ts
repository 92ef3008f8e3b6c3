import http from "node:http";
import { expect, type Page } from "@playwright/test";

export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const DEMO_PASSWORD = "Harambee-Demo-2026!";

/** The browser address of an organisation (Chromium resolves *.localhost). */
export const tenantUrl = (slug: string, path = "/") => `http://${slug}.localhost:${PORT}${path}`;

export async function signIn(page: Page, slug: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(tenantUrl(slug, "/login"));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Plain HTTP to 127.0.0.1 with any Host header (Node's resolver does not know *.localhost). */
export function rawRequest(options: { host: string; path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
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
