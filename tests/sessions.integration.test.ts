import { afterEach, beforeAll, expect, test, vi } from "vitest";
import { resolveSession } from "@/lib/queries/sessions";
import { endOwnSessions, signInWithPassword } from "@/lib/services/sessions";
import { createTestOrganization, TEST_PASSWORD, type TestOrganization } from "./support/organizations";

let org: TestOrganization;
const ip = "192.0.2.44";
const MINUTE = 60_000;

beforeAll(async () => {
  org = await createTestOrganization("sessions");
});
afterEach(() => vi.useRealTimers());

test("[M3.3] a session idle 30 minutes is rejected; one active every 29 minutes slides on past the idle limit", async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  const start = Date.now();
  const active = await signInWithPassword({ organizationId: org.id, email: org.emails.TREASURER, password: TEST_PASSWORD, ip, userAgent: null });
  const idle = await signInWithPassword({ organizationId: org.id, email: org.emails.MEMBER, password: TEST_PASSWORD, ip, userAgent: null });
  for (const minutes of [29, 58, 87]) {
    vi.setSystemTime(start + minutes * MINUTE);
    expect(await resolveSession(active!.sessionId, org.id), `active at ${minutes} min`).not.toBeNull();
  }
  vi.setSystemTime(start + 30 * MINUTE + 1_000);
  expect(await resolveSession(idle!.sessionId, org.id)).toBeNull();
  // The absolute cap (SESSION_MAX_HOURS, 12 h) ends even an active session.
  for (let minutes = 116; minutes < 12 * 60; minutes += 29) {
    vi.setSystemTime(start + minutes * MINUTE);
    expect(await resolveSession(active!.sessionId, org.id)).not.toBeNull();
  }
  vi.setSystemTime(start + 12 * 60 * MINUTE + 1_000);
  expect(await resolveSession(active!.sessionId, org.id)).toBeNull();
});

test("[M3.3] one's sessions page ends one's own session, or all the others; someone else's is not found", async () => {
  const email = org.emails.VIEWER;
  const [here, second, third] = await Promise.all(
    [1, 2, 3].map(() => signInWithPassword({ organizationId: org.id, email, password: TEST_PASSWORD, ip, userAgent: "test" })),
  );
  const other = await signInWithPassword({ organizationId: org.id, email: org.emails.ADMIN, password: TEST_PASSWORD, ip, userAgent: null });
  const subject = { organizationId: org.id, userId: here!.userId, sessionId: here!.sessionId, label: email, ip };
  await expect(endOwnSessions(subject, { sessionId: other!.sessionId })).rejects.toThrow("Not found");
  expect(await resolveSession(other!.sessionId, org.id)).not.toBeNull();
  expect(await endOwnSessions(subject, { sessionId: second!.sessionId })).toBe(1);
  expect(await resolveSession(second!.sessionId, org.id)).toBeNull();
  expect(await endOwnSessions(subject, {})).toBe(1);
  expect(await resolveSession(third!.sessionId, org.id)).toBeNull();
  expect(await resolveSession(here!.sessionId, org.id)).not.toBeNull();
});
