import { describe, expect, test } from "vitest";
import { parseHost } from "@/lib/tenancy/host";

describe("[M6.8] parseHost: only the root domain and its tenant subdomains are allowed hosts", () => {
  const cases: Array<[string | null, string, ReturnType<typeof parseHost>]> = [
    ["localhost:3000", "localhost", { kind: "apex" }],
    ["LOCALHOST", "localhost", { kind: "apex" }],
    ["kilimani.localhost:3000", "localhost", { kind: "tenant", slug: "kilimani" }],
    ["Kilimani.Localhost.", "localhost", { kind: "tenant", slug: "kilimani" }],
    ["ikeja-relief.harambee.africa", "harambee.africa", { kind: "tenant", slug: "ikeja-relief" }],
    ["harambee.africa:443", "harambee.africa", { kind: "apex" }],
    ["www.harambee.africa", "harambee.africa", { kind: "unknown" }],
    ["admin.harambee.africa", "harambee.africa", { kind: "unknown" }],
    ["api.localhost", "localhost", { kind: "unknown" }],
    ["a.b.localhost", "localhost", { kind: "unknown" }],
    ["-bad.localhost", "localhost", { kind: "unknown" }],
    ["evil.com", "localhost", { kind: "unknown" }],
    ["kilimani.localhost.evil.com", "localhost", { kind: "unknown" }],
    ["evillocalhost", "localhost", { kind: "unknown" }],
    ["127.0.0.1:3000", "localhost", { kind: "unknown" }],
    ["[::1]:3000", "localhost", { kind: "unknown" }],
    ["", "localhost", { kind: "unknown" }],
    [null, "localhost", { kind: "unknown" }],
  ];
  test.each(cases)("%s under %s", (host, root, expected) => {
    expect(parseHost(host, root)).toEqual(expected);
  });
});
