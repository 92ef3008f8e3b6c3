import { describe, expect, test } from "vitest";
import type { InvoiceFacts } from "@/lib/dues/invoice-state";
import { reminderStage, scheduledReminder } from "@/lib/dues/reminder-stage";
import { parseEnv } from "@/lib/env";
import { organizationOrigin } from "@/lib/tenancy/origin";

const invoice = (facts: Partial<InvoiceFacts> = {}): InvoiceFacts => ({ status: "OPEN", amountMinor: 100_000, paidMinor: 0, dueOn: "2026-12-10", graceDays: 30, ...facts });

describe("[P3] when a dues reminder goes out", () => {
  test.each([
    ["eight days before the due date", "2026-12-02", {}, null],
    ["seven days before", "2026-12-03", {}, "due-soon"],
    ["on the due date", "2026-12-10", {}, "due-soon"],
    ["part paid, three days before", "2026-12-07", { paidMinor: 40_000 }, "due-soon"],
    ["the day after the due date", "2026-12-11", {}, "overdue"],
    ["the last day of grace", "2027-01-09", {}, "overdue"],
    ["lapsed", "2027-01-10", {}, null],
    ["paid", "2026-12-11", { paidMinor: 100_000 }, null],
    ["void", "2026-12-11", { status: "VOID" }, null],
    ["draft", "2026-12-08", { status: "DRAFT" }, null],
  ] as const)("%s", (_, today, facts, stage) => {
    expect(scheduledReminder(invoice(facts), today)).toBe(stage);
  });

  test("the number of days before the due date is a parameter", () => {
    expect(scheduledReminder(invoice(), "2026-11-26", 14)).toBe("due-soon");
    expect(scheduledReminder(invoice(), "2026-11-25", 14)).toBeNull();
  });

  test("a reminder's stage is due-soon up to the due date and overdue after it", () => {
    expect(reminderStage("2026-12-10", "2026-12-10")).toBe("due-soon");
    expect(reminderStage("2026-12-10", "2026-12-11")).toBe("overdue");
  });
});

describe("an organisation's origin, for links in emails", () => {
  test("is its subdomain of APP_ORIGIN, keeping scheme and port, or https on the root domain", () => {
    expect(organizationOrigin("kilimani", { APP_ORIGIN: "http://localhost:3000", APP_ROOT_DOMAIN: "localhost" })).toBe("http://kilimani.localhost:3000");
    expect(organizationOrigin("kilimani", { APP_ORIGIN: undefined, APP_ROOT_DOMAIN: "harambee.africa" })).toBe("https://kilimani.harambee.africa");
  });

  test("an APP_ORIGIN that names another host than APP_ROOT_DOMAIN, or another scheme than http(s), is refused at start", () => {
    const base = { NODE_ENV: "test" as const, AUTH_SECRET: "x".repeat(32), DATABASE_URL: "postgres://owner@127.0.0.1/harambee", APP_ROOT_DOMAIN: "harambee.africa" };
    expect(parseEnv({ ...base, APP_ORIGIN: "https://harambee.africa:8443" }).APP_ORIGIN).toBe("https://harambee.africa:8443");
    expect(() => parseEnv({ ...base, APP_ORIGIN: "https://evil.example" })).toThrow("APP_ORIGIN must name APP_ROOT_DOMAIN");
    expect(() => parseEnv({ ...base, APP_ORIGIN: "ftp://harambee.africa" })).toThrow("Invalid environment");
  });
});
