import { execFile } from "node:child_process";
import { TEST_ACTOR } from "./support/organizations";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appendAudit } from "@/lib/audit/append";
import { entryHash } from "@/lib/audit/canonical";
import { systemActor } from "@/lib/authz/actor";
import { disconnectAll, swapAppDb } from "@/lib/db/clients";
import { PrismaClient } from "@/lib/db/generated/client";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { createMember, updateMember } from "@/lib/services/members";
import { createOrganization } from "@/lib/services/organizations";
import { verifyChains } from "../scripts/lib/audit-chains";
import { connectAs } from "./support/database";

const run = promisify(execFile);
let owner: pg.Client;

beforeAll(async () => {
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

/** An organisation whose chain holds `entries` real entries: its creation, then member additions. */
async function organizationWithChain(entries: number) {
  const slug = `chain-${randomBytes(4).toString("hex")}`;
  const org = await createOrganization(TEST_ACTOR, { slug, name: slug, kind: "CLUB" });
  const clerk = systemActor(org.id, "clerk", ["members:write"]);
  for (let i = 1; i < entries; i++) await createMember(clerk, { firstName: "Entry", lastName: `Number ${i + 1}` });
  return { id: org.id, slug };
}

/** `npm run audit:verify -- --org <slug>` as a real process, connecting as the platform role. */
async function verifyCli(slug: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "scripts/audit-verify.ts", "--org", slug], {
      env: { ...process.env, AUDIT_VERIFY_DATABASE_URL: env().platformDatabaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** Rewrites history as only the table owner can, with the rewrite switch on: the attacker with the keys. */
async function asOwnerRewriting(sql: string[], params: unknown[][] = []) {
  await owner.query("BEGIN");
  try {
    await owner.query("SET LOCAL harambee.allow_audit_rewrite = 'on'");
    for (const [i, statement] of sql.entries()) await owner.query(statement, params[i] ?? []);
    await owner.query("COMMIT");
  } catch (error) {
    await owner.query("ROLLBACK");
    throw error;
  }
}

const hashAt = async (orgId: string, seq: number) =>
  (await owner.query<{ hash: string }>("SELECT hash FROM audit_entry WHERE organization_id = $1 AND seq = $2", [orgId, seq])).rows[0].hash;

describe("audit:verify names the first broken entry of a tampered chain", () => {
  test("[M5.4] an untouched chain verifies: exit 0 with the entries checked and the time", async () => {
    const org = await organizationWithChain(5);
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${org.slug}: intact through #5 — 5 entries checked in `);
    expect(result.stdout).toMatch(/intact through #5 — 5 entries checked in \d+\.\d\d s, head [0-9a-f]{64}/);
    expect(result.stdout).toContain("1 chain(s), 0 broken");
  });

  test("[M5.4] an edited field: exit 1, broken at that entry, expected vs found hash", async () => {
    const org = await organizationWithChain(6);
    const stored = await hashAt(org.id, 3);
    await asOwnerRewriting(["UPDATE audit_entry SET summary = 'Nothing happened' WHERE organization_id = $1 AND seq = 3"], [[org.id]]);
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken at #3: content does not match its hash \(expected [0-9a-f]{64}, found [0-9a-f]{64}\)/);
    expect(result.stderr).toContain(`found ${stored})`);
  });

  test("[M5.4] a deleted row: exit 1, broken at the missing seq", async () => {
    const org = await organizationWithChain(6);
    await asOwnerRewriting(["DELETE FROM audit_entry WHERE organization_id = $1 AND seq = 4"], [[org.id]]);
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("broken at #4: entry missing (expected seq 4, found seq 5)");
  });

  test("[M5.4] a forged row inserted mid-chain with a correctly computed hash: exit 1 at the first genuine entry after it", async () => {
    const org = await organizationWithChain(6);
    const prev = await hashAt(org.id, 2);
    const forged = {
      organizationId: org.id,
      seq: 3n,
      at: new Date(),
      actorId: null,
      actorLabel: "treasurer@example.org",
      ip: "198.51.100.1",
      action: "member.update",
      summary: "Member details edited",
      targetType: "Member",
      targetId: null,
      before: null,
      after: null,
    };
    await asOwnerRewriting(
      [
        // Make room at seq 3 (in two steps: the unique index is checked per row).
        "UPDATE audit_entry SET seq = -(seq + 1) WHERE organization_id = $1 AND seq > 2",
        "UPDATE audit_entry SET seq = -seq WHERE organization_id = $1 AND seq < 0",
        `INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, ip, action, summary, target_type, prev_hash, hash)
         VALUES (gen_random_uuid(), $1, 3, $2, $3, $4, $5, $6, $7, $8, $9)`,
      ],
      [[org.id], [org.id], [org.id, forged.at, forged.actorLabel, forged.ip, forged.action, forged.summary, forged.targetType, prev, entryHash(prev, forged)]],
    );
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken at #4: prev_hash does not link to the previous entry \(expected [0-9a-f]{64}, found [0-9a-f]{64}\)/);
  });

  test("[M5.4] two rows swapped: exit 1 at the first of them", async () => {
    const org = await organizationWithChain(6);
    await asOwnerRewriting(
      [
        "UPDATE audit_entry SET seq = -1 WHERE organization_id = $1 AND seq = 3",
        "UPDATE audit_entry SET seq = 3 WHERE organization_id = $1 AND seq = 4",
        "UPDATE audit_entry SET seq = 4 WHERE organization_id = $1 AND seq = -1",
      ],
      [[org.id], [org.id], [org.id]],
    );
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken at #3: prev_hash does not link to the previous entry/);
  });
});

describe("the platform chain", () => {
  test("[M5.4] verifying every chain includes the platform's, which platform actions keep intact", async () => {
    await organizationWithChain(1);
    const reports = await verifyChains(env().platformDatabaseUrl);
    const platform = reports.find((r) => r.chain === "platform");
    expect(platform).toMatchObject({ ok: true, line: expect.stringMatching(/^platform: intact through #\d+/) });
  });
});

describe("the database keeps the trail append-only", () => {
  test("[M5.4] the app role's UPDATE, DELETE and TRUNCATE on audit_entry fail; so do the platform role's and the owner's without the rewrite switch", async () => {
    const org = await organizationWithChain(2);
    const attempts = ["UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"];
    for (const role of ["app", "platform", "owner"] as const) {
      const client = await connectAs(role);
      try {
        for (const sql of attempts) {
          await client.query("BEGIN");
          await client.query("SELECT set_config('app.org_id', $1, true)", [org.id]);
          const error = await client.query(sql).catch((e: { code?: string; message: string }) => e);
          await client.query("ROLLBACK");
          expect(error, `${role}: ${sql}`).toMatchObject({ code: "42501" });
        }
      } finally {
        await client.end();
      }
    }
    const { rows } = await owner.query("SELECT count(*)::int AS n FROM audit_entry WHERE organization_id = $1", [org.id]);
    expect(rows[0].n).toBe(2);
  });

  test("[M5.2] [B3.4] after a member's personal data is erased, their entries remain and the chain still verifies", async () => {
    const org = await organizationWithChain(1);
    const clerk = systemActor(org.id, "clerk", ["members:read", "members:write"]);
    const member = await createMember(clerk, { firstName: "Nyokabi", lastName: "Gathoni", email: "nyokabi@example.org", nin: "12345678901" });
    await updateMember(clerk, { id: member.id, firstName: "Nyokabi", lastName: "Gathoni-Kamau", phone: "+254722000111" });
    const entries = () => owner.query("SELECT seq, hash, before, after FROM audit_entry WHERE organization_id = $1 ORDER BY seq", [org.id]);
    const kept = (await entries()).rows;
    // The erasure as a purge job does it: the platform role removes the person's data outright.
    const platform = await connectAs("platform");
    try {
      await platform.query("DELETE FROM member WHERE id = $1", [member.id]);
    } finally {
      await platform.end();
    }
    expect((await entries()).rows).toEqual(kept);
    expect(kept.filter((e) => e.after && JSON.stringify(e.after).includes("[set]"))).toHaveLength(2);
    expect(JSON.stringify(kept)).not.toMatch(/Nyokabi|Gathoni|nyokabi@|12345678901|254722000111/);
    const [report] = await verifyChains(env().platformDatabaseUrl, org.slug);
    expect(report).toMatchObject({ ok: true, line: expect.stringContaining("intact through #3") });
  });
});

describe("concurrent appends", () => {
  test("[M5.4] 32 concurrent writers in one organisation for 10 s: the chain is intact and seq gapless", async () => {
    const org = await organizationWithChain(1);
    // 32 real connections, so 32 transactions really contend for the chain's lock.
    const wide = new PrismaClient({ adapter: new PrismaPg({ connectionString: env().appDatabaseUrl, max: 32 }) });
    const previous = swapAppDb(wide);
    let appended = 0;
    try {
      const until = Date.now() + 10_000;
      await Promise.all(
        Array.from({ length: 32 }, async (_, writer) => {
          while (Date.now() < until) {
            await withTenant(org.id, (tx) =>
              appendAudit(tx, org.id, { id: null, label: `writer-${writer}`, ip: null }, { action: "test.append", summary: `Writer ${writer}` }),
            );
            appended += 1;
          }
        }),
      );
    } finally {
      swapAppDb(previous);
      await wide.$disconnect();
    }
    const { rows } = await owner.query<{ n: number; first: string; last: string; distinct_seqs: number }>(
      "SELECT count(*)::int AS n, min(seq)::text AS first, max(seq)::text AS last, count(DISTINCT seq)::int AS distinct_seqs FROM audit_entry WHERE organization_id = $1",
      [org.id],
    );
    expect(appended).toBeGreaterThan(32);
    expect(rows[0]).toEqual({ n: appended + 1, first: "1", last: String(appended + 1), distinct_seqs: appended + 1 });
    const [report] = await verifyChains(env().platformDatabaseUrl, org.slug);
    expect(report.line).toContain(`intact through #${appended + 1}`);
    console.log(`32 writers, 10 s: ${appended} appends, chain intact`);
  });
});
