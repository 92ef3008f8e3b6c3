import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, expect, test } from "vitest";
import type pg from "pg";
import { newTotpSecret } from "@/lib/auth/totp";
import { disconnectAll } from "@/lib/db/clients";
import { createPlatformAdmin } from "@/lib/services/organizations";
import { resolvePlatformSession } from "@/lib/queries/sessions";
import { signInToPlatform } from "@/lib/services/platform-sessions";
import { confirmEnrolment, verifySecondFactor } from "@/lib/services/two-factor";
import { connectAs } from "./support/database";
import { TEST_PASSWORD, TEST_ACTOR } from "./support/organizations";

/**
 * The platform admin's second factor (promise M4.5) runs on the same
 * two-factor services as an owner's, with an apex session (no organisation):
 * it marks the apex session and is recorded on the platform chain.
 */
let owner: pg.Client;
const email = `platform-${randomBytes(4).toString("hex")}@harambee.test`;
const ip = "198.51.100.23";

beforeAll(async () => {
  await createPlatformAdmin(TEST_ACTOR, { email, name: "PA", password: TEST_PASSWORD });
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

const codeAt = (secret: string, at: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at });

async function platformEntries(userId: string) {
  return (await owner.query<{ action: string }>("SELECT action FROM audit_entry WHERE organization_id IS NULL AND actor_id = $1 ORDER BY seq", [userId])).rows.map((r) => r.action);
}

test("[M4.5] a platform admin's enrolment and check mark the apex session, on the platform chain; a wrong code or a second enrolment is refused", async () => {
  const first = await signInToPlatform({ ip, userAgent: null }, { email, password: TEST_PASSWORD });
  expect(first).toMatchObject({ user: { twoFactorEnabled: false }, secondFactorDone: false });
  const ref = { organizationId: null, userId: first.user.id, sessionId: first.sessionId, label: email, ip };
  const secret = newTotpSecret();
  const now = Date.now();

  // A code from another key does not confirm this one.
  await expect(confirmEnrolment(ref, { secret, code: codeAt(newTotpSecret(), now) }, now)).rejects.toMatchObject({ code: "INVALID" });
  expect(await confirmEnrolment(ref, { secret, code: codeAt(secret, now) }, now)).toHaveLength(10);
  expect(await resolvePlatformSession(first.sessionId)).toMatchObject({ user: { twoFactorEnabled: true }, secondFactorDone: true });
  await expect(confirmEnrolment(ref, { secret: newTotpSecret(), code: codeAt(secret, now) }, now)).rejects.toMatchObject({ code: "INVALID" });

  // A new sign-in starts before the second factor, and passes it with a later code.
  const second = await signInToPlatform({ ip, userAgent: null }, { email, password: TEST_PASSWORD });
  expect(await resolvePlatformSession(second.sessionId)).toMatchObject({ user: { twoFactorEnabled: true }, secondFactorDone: false });
  const later = now + 30_000;
  await verifySecondFactor({ ...ref, sessionId: second.sessionId }, { code: codeAt(secret, later) }, later);
  expect(await resolvePlatformSession(second.sessionId)).toMatchObject({ secondFactorDone: true });

  expect(await platformEntries(first.user.id)).toEqual([
    "auth.platform_login",
    "auth.two_factor_failed",
    "auth.two_factor_enabled",
    "auth.two_factor_failed",
    "auth.platform_login",
    "auth.second_factor",
  ]);
  const onAnyOrganization = await owner.query("SELECT 1 FROM audit_entry WHERE organization_id IS NOT NULL AND actor_id = $1", [first.user.id]);
  expect(onAnyOrganization.rowCount).toBe(0);
});
