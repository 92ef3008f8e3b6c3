import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { createElement } from "react";
import { afterAll, expect, test } from "vitest";
import { disconnectAll } from "@/lib/db/clients";
import { sendEmail } from "@/lib/email/send";

const run = promisify(execFile);
afterAll(() => disconnectAll());

test("npm run outbox prints the kept emails, newest first, filtered by recipient", async () => {
  const to = `reader-${randomBytes(4).toString("hex")}@example.org`;
  await sendEmail({ to, subject: "First", react: createElement("p", null, "first body"), text: "first body https://kilimani.localhost/reset-password?token=abc" });
  await sendEmail({ to, subject: "Second", react: createElement("p", null, "second body"), text: "second body" });
  await sendEmail({ to: "someone-else@example.org", subject: "Not for the reader", react: createElement("p"), text: "other" });
  const { stdout } = await run("npx", ["tsx", "scripts/outbox.ts", "--to", to], { env: process.env });
  expect(stdout).toContain(`to ${to}`);
  expect(stdout).toContain("https://kilimani.localhost/reset-password?token=abc");
  expect(stdout.indexOf("Second")).toBeLessThan(stdout.indexOf("First"));
  expect(stdout).not.toContain("Not for the reader");
});
