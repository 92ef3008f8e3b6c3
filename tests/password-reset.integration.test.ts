import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type pg from "pg";
import { changePassword } from "@/lib/services/password-change";
import { RESET_MESSAGES, requestPasswordReset, resetPassword } from "@/lib/services/password-reset";
import { resolveSession } from "@/lib/queries/sessions";
import { signInWithPassword } from "@/lib/services/sessions";
import { connectAs } from "./support/database";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization } from "./support/organizations";
import { captureStderr } from "./support/stderr";

let org: TestOrganization;
let owner: pg.Client;
const ip = "198.51.100.23";

beforeAll(async () => {
  org = await createTestOrganization("reset");
  owner = await connectAs("owner");
});
afterAll(() => owner.end());

/** The reset link last put in the outbox for an address, as its token. */
async function lastToken(email: string): Promise<string> {
  const { rows } = await owner.query<{ text: string }>("SELECT text FROM email_outbox WHERE \"to\" = $1 ORDER BY created_at DESC LIMIT 1", [email]);
  const match = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(rows[0]?.text ?? "");
  if (!match) throw new Error(`no reset link for ${email}`);
  return match[1]!;
}

const request = () => ({ organization: { id: org.id, name: "Test club" }, origin: `http://${org.slug}.localhost`, ip });

describe("password reset", () => {
  test("[M3.4] a reset link works once; used again it gives a clear error", async () => {
    const email = org.emails.TREASURER;
    await requestPasswordReset(request(), email);
    const token = await lastToken(email);
    const { rows } = await owner.query<{ token_hash: string }>("SELECT token_hash FROM password_reset_token ORDER BY created_at DESC LIMIT 1");
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(token);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    await resetPassword({ organizationId: org.id, ip }, { token, password: "Fresh-Link-Passphrase-7", confirm: "Fresh-Link-Passphrase-7" });
    await expect(resetPassword({ organizationId: org.id, ip }, { token, password: "Other-Link-Passphrase-8", confirm: "Other-Link-Passphrase-8" })).rejects.toThrow(RESET_MESSAGES.used);
    expect(await signInWithPassword({ organizationId: org.id, email, password: "Fresh-Link-Passphrase-7", ip, userAgent: null })).not.toBeNull();
  });

  test("[M3.4] a link 4 h + 1 s old gives a clear error; at 4 h − 1 s it still works", async () => {
    const email = org.emails.MEMBER;
    const issued = new Date();
    await requestPasswordReset(request(), email, issued);
    const token = await lastToken(email);
    const later = (ms: number) => new Date(issued.getTime() + ms);
    const body = { token, password: "Late-Link-Passphrase-9", confirm: "Late-Link-Passphrase-9" };
    await expect(resetPassword({ organizationId: org.id, ip }, body, later(4 * 3_600_000 + 1_000))).rejects.toThrow(RESET_MESSAGES.expired);
    await resetPassword({ organizationId: org.id, ip }, body, later(4 * 3_600_000 - 1_000));
  });

  test("[M3.4] requesting a second link kills the first; an unknown email sends nothing", async () => {
    const email = org.emails.VIEWER;
    await requestPasswordReset(request(), email);
    const first = await lastToken(email);
    await requestPasswordReset(request(), email);
    const second = await lastToken(email);
    expect(second).not.toBe(first);
    const body = (token: string) => ({ token, password: "Second-Link-Passphrase-1", confirm: "Second-Link-Passphrase-1" });
    await expect(resetPassword({ organizationId: org.id, ip }, body(first))).rejects.toThrow(RESET_MESSAGES.used);
    await resetPassword({ organizationId: org.id, ip }, body(second));
    const before = await owner.query("SELECT 1 FROM email_outbox");
    await requestPasswordReset(request(), `nobody-${org.slug}@example.org`);
    expect((await owner.query("SELECT 1 FROM email_outbox")).rowCount).toBe(before.rowCount);
  });

  test("[M3.3] a reset ends every session of the person at once", async () => {
    const email = org.emails.ADMIN;
    const session = await signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: null });
    expect(await resolveSession(session!.sessionId, org.id)).not.toBeNull();
    await requestPasswordReset(request(), email);
    await resetPassword({ organizationId: org.id, ip }, { token: await lastToken(email), password: "Ends-Sessions-Passphrase-2", confirm: "Ends-Sessions-Passphrase-2" });
    expect(await resolveSession(session!.sessionId, org.id)).toBeNull();
  });
});

describe("password change", () => {
  test("[M3.3] changing the password ends the person's other sessions and keeps this one", async () => {
    const email = org.emails.PROGRAM_MANAGER;
    const here = await signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: null });
    const elsewhere = await signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: null });
    const result = await changePassword({ organizationId: org.id, userId: here!.userId, sessionId: here!.sessionId, label: email, ip }, {
      current: TEST_PASSWORD,
      password: "Changed-Passphrase-3141",
      confirm: "Changed-Passphrase-3141",
    });
    expect(result.endedSessions).toBe(1);
    expect(await resolveSession(here!.sessionId, org.id)).not.toBeNull();
    expect(await resolveSession(elsewhere!.sessionId, org.id)).toBeNull();
  });

  test("[M3.2] the form's rules apply: wrong current password, weak or mistyped new one", async () => {
    const email = org.emails.LOCATION_ADMIN;
    const here = await signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: null });
    const subject = { organizationId: org.id, userId: here!.userId, sessionId: here!.sessionId, label: email, ip };
    const fields = (body: Record<string, string>) => changePassword(subject, body).then(() => ({}), (e: { fieldErrors: object }) => e.fieldErrors);
    expect(await fields({ current: "wrong", password: "Changed-Passphrase-3141", confirm: "Changed-Passphrase-3141" })).toEqual({ current: ["That is not your current password."] });
    expect(await fields({ current: TEST_PASSWORD, password: "123456789012", confirm: "123456789012" })).toEqual({
      password: ["Use letters or symbols as well as digits.", "That password is on a list of commonly used passwords. Choose another."],
    });
    expect(await fields({ current: TEST_PASSWORD, password: "Changed-Passphrase-3141", confirm: "Changed-Passphrase-3142" })).toEqual({ confirm: ["The two passwords differ."] });
  });
});

test("[M3.1] a password used to sign in, reset to and changed to is nowhere in the logs or the database", async () => {
  const email = org.emails.FIELD_MANAGER;
  const resetTo = "Plaintext-Canary-Renewed-4711";
  const changedTo = "Plaintext-Canary-Change-4712";
  const { lines, outcome } = await captureStderr(async () => {
    const stdout: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => (stdout.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      await signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: null });
      await signInWithPassword({ organizationId: org.id, email, password: "wrong-guess-Plaintext", ip, userAgent: null });
      await requestPasswordReset(request(), email);
      await resetPassword({ organizationId: org.id, ip }, { token: await lastToken(email), password: resetTo, confirm: resetTo });
      const session = await signInWithPassword({ organizationId: org.id, email, password: resetTo, ip, userAgent: null });
      await changePassword({ organizationId: org.id, userId: session!.userId, sessionId: session!.sessionId, label: email, ip }, {
        current: resetTo,
        password: changedTo,
        confirm: changedTo,
      });
      return stdout;
    } finally {
      process.stdout.write = original;
    }
  });
  expect(outcome.status).toBe("fulfilled");
  const logs = [...lines, ...(outcome.status === "fulfilled" ? outcome.value : [])].join("\n");
  // Every row of every table in the database, as text.
  const tables = await owner.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  let dump = "";
  for (const { table_name } of tables.rows) {
    const { rows } = await owner.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    dump += rows.map((r) => r.row).join("\n");
  }
  expect(tables.rows.length).toBeGreaterThan(10);
  expect(dump).toContain(email);
  for (const secret of [TEST_PASSWORD, resetTo, changedTo, "wrong-guess-Plaintext"]) {
    expect(logs).not.toContain(secret);
    expect(dump).not.toContain(secret);
  }
});
