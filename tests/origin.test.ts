import { describe, expect, test } from "vitest";
import { crossSiteRefusal, originRefusal, type OriginCheck } from "@/lib/security/origin";

const HOST = "kilimani.harambee.africa";
const post = (overrides: Partial<OriginCheck>): OriginCheck => ({
  method: "POST",
  pathname: "/members/new",
  host: HOST,
  origin: `https://${HOST}`,
  secFetchSite: "same-origin",
  ...overrides,
});

describe("[M6.3] a state-changing request must come from its own origin", () => {
  const cases: Array<[string, OriginCheck, ReturnType<typeof originRefusal>]> = [
    ["same origin", post({}), null],
    ["same origin, no fetch metadata (older browser)", post({ secFetchSite: null }), null],
    ["same origin with an explicit default port on the Host", post({ host: `${HOST}:443` }), null],
    ["another site", post({ origin: "https://evil.example", secFetchSite: "cross-site" }), "cross-site-fetch"],
    ["another site, fetch metadata stripped", post({ origin: "https://evil.example", secFetchSite: null }), "foreign-origin"],
    ["another tenant of ours (same site to the browser)", post({ origin: "https://westlands.harambee.africa", secFetchSite: "same-site" }), "cross-site-fetch"],
    ["another tenant of ours, fetch metadata stripped", post({ origin: "https://westlands.harambee.africa", secFetchSite: null }), "foreign-origin"],
    ["the apex posting to a tenant", post({ origin: "https://harambee.africa", secFetchSite: null }), "foreign-origin"],
    ["a look-alike host", post({ origin: `https://${HOST}.evil.example`, secFetchSite: null }), "foreign-origin"],
    ["no Origin at all", post({ origin: null, secFetchSite: null }), "missing-origin"],
    ["Origin: null (sandboxed frame, data: URL)", post({ origin: "null", secFetchSite: null }), "null-origin"],
    ["an Origin that is not an origin", post({ origin: `https://${HOST}/path`, secFetchSite: null }), "foreign-origin"],
    ["garbage Origin", post({ origin: "not a url", secFetchSite: null }), "foreign-origin"],
    ["no Host", post({ host: null }), "foreign-origin"],
    ["user-initiated (Sec-Fetch-Site: none)", post({ secFetchSite: "none" }), "cross-site-fetch"],
    ["PUT from another site", post({ method: "PUT", origin: "https://evil.example", secFetchSite: null }), "foreign-origin"],
    ["DELETE without Origin", post({ method: "delete", origin: null, secFetchSite: null }), "missing-origin"],
    ["GET from another site (never changes state)", post({ method: "GET", origin: "https://evil.example", secFetchSite: "cross-site" }), null],
    ["HEAD without Origin", post({ method: "HEAD", origin: null }), null],
    ["a webhook: no Origin, authenticated by signature", post({ pathname: "/api/webhooks/stripe", origin: null, secFetchSite: null }), null],
    ["not a webhook, just named like one", post({ pathname: "/api/webhooksx", origin: null, secFetchSite: null }), "missing-origin"],
  ];
  test.each(cases)("%s", (_name, request, expected) => {
    expect(originRefusal(request)).toBe(expected);
  });

  test("a refusal is a 403 with a plain message and the id it was logged under", async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    let response: Response | null;
    try {
      response = crossSiteRefusal(
        new Request(`https://${HOST}/members/new?q=secret`, { method: "POST", headers: { host: HOST, origin: "https://evil.example" } }),
      );
    } finally {
      process.stdout.write = write;
    }
    expect(response!.status).toBe(403);
    const body = (await response!.json()) as { error: string; id: string };
    expect(body.error).toMatch(/did not come from this site/);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.id === body.id);
    expect(logged).toMatchObject({ level: "warn", reason: "foreign-origin", method: "POST", path: "/members/new" });
    expect(JSON.stringify(logged)).not.toContain("secret");
  });

  test("a same-origin request passes untouched", () => {
    const request = new Request(`https://${HOST}/members/new`, { method: "POST", headers: { host: HOST, origin: `https://${HOST}` } });
    expect(crossSiteRefusal(request)).toBeNull();
  });
});
