import { describe, expect, test } from "vitest";
import { logError, logEvent } from "@/lib/log";
import { scrubText } from "@/lib/log/redaction";
import { withRequestId } from "@/lib/context/request-id";
import { captureLogLines } from "./support/stderr";

describe("[M10.1] the log scrubber: personal data and credentials never reach a log line", () => {
  const cases: [string, string, string][] = [
    ["an email", "no member wanjiru.kariuki0@example.org here", "no member [email] here"],
    ["an E.164 phone", "STK push to +254712345678 failed", "STK push to [number] failed"],
    ["a phone with spaces", "call +254 722 000111 now", "call [number] now"],
    ["a URL-encoded phone", "phone=%2B254712345678", "phone=[number]"],
    ["an 11-digit NIN", "duplicate nin 12345678901", "duplicate nin [number]"],
    ["a BVN with dashes", "bvn 222-3333-4444", "bvn [number]"],
    ["a bearer token", "Authorization header Bearer abc.DEF-123_x", "Authorization header Bearer [token]"],
    ["a named secret", 'token=s3cr3t&x=1, password: "hunter2", Cookie=authjs.session-token', `token=[redacted]&x=1, password: "[redacted]", Cookie=[redacted]`],
    ["a JWE session cookie", "got eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2In0..iv.ct.tag from the browser", "got [token] from the browser"],
    ["an opaque base64url token in a path", "/pay/Qk9PTV9vbmVfdGltZV9yZXNldF90b2tlbl8yMDI2", "/pay/[token]"],
  ];
  test.each(cases)("scrubs %s", (_name, text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  const kept: [string, string][] = [
    ["a UUID", "member 3f2a1b5c-1111-4222-8333-123456789012"],
    ["a SHA-256 digest", "head 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ["an ISO timestamp", "at 2026-12-03T04:26:08.123Z took 1234 ms"],
    ["a job name and an action code", "job.failed dues.send-reminders member.created"],
  ];
  test.each(kept)("keeps %s, which the logs need and which is not personal", (_name, text) => {
    expect(scrubText(text)).toBe(text);
  });

  test("[M6.7] the reference a user was shown survives as the line's id, even Next's all-digit digest", async () => {
    const { lines } = await captureLogLines(async () => {
      logError("request failed", new Error("boom"), {}, "2739104856");
      return Promise.resolve();
    });
    expect(lines).toEqual([expect.objectContaining({ level: "error", id: "2739104856" })]);
  });

  test("a line's fields are redacted by name and scrubbed by shape, message and error included, under the request id", async () => {
    const { lines } = await captureLogLines(async () =>
      withRequestId("req-12345678", () => {
        logEvent("info", "invited wanjiru.kariuki0@example.org", { email: "a@b.org", member: { phone: "+254712345678", nin: "12345678901" }, note: "bvn 22233334444" });
        logError("failed", new Error("cookie: eyJhbGciOiJkaXIifQ..a.b.c for otieno@example.org"), { headers: { cookie: "authjs.session-token=x" } });
        return Promise.resolve();
      }),
    );
    expect(lines).toHaveLength(2);
    const [info, error] = lines;
    expect(info).toMatchObject({ level: "info", requestId: "req-12345678", message: "invited [email]", email: "[redacted]", member: { phone: "[redacted]", nin: "[redacted]" }, note: "bvn [number]" });
    expect(error).toMatchObject({ level: "error", requestId: "req-12345678", headers: { cookie: "[redacted]" } });
    expect(JSON.stringify(lines)).not.toMatch(/example\.org|a@b\.org|254712345678|12345678901|22233334444|eyJ|session-token=x/);
  });
});
