import { execFile } from "node:child_process";
import { TEST_ACTOR } from "./support/organizations";
import { createSecretKey, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appendAudit } from "@/lib/audit/append";
import { entryHash, GENESIS_HASH, legacyEntryHash, type HashedFields } from "@/lib/audit/canonical";
import { chainOf, CHECKPOINT_PREFIX, checkpointObjectKey, signCheckpoint } from "@/lib/audit/checkpoints";
import type { ChainRow } from "@/lib/audit/verify";
import { newCheckpointKeyPair, parseCheckpointSigner } from "@/lib/crypto/checkpoint-key";
import { parseAuditKeys } from "@/lib/crypto/keyring";
import { systemActor } from "@/lib/authz/actor";
import { disconnectAll, swapAppDb } from "@/lib/db/clients";
import { PrismaClient } from "@/lib/db/generated/client";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { checkpointAuditChains } from "@/lib/jobs/audit-checkpoints";
import { createMember, updateMember } from "@/lib/services/members";
import { createOrganization } from "@/lib/services/organizations";
import { ObjectExistsError, objectStore } from "@/lib/storage";
import { migrate } from "../scripts/migrate";
import { chainReader, verifyChains } from "../scripts/lib/audit-chains";
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

/**
 * `npm run audit:verify -- --org <slug>` as a real process, connecting as the
 * platform role, with this run's keys and object store (the environment).
 * `npm` runs it through npm itself; otherwise tsx directly (what npm runs).
 */
async function verifyCli(slug: string, via: "npm" | "tsx" = "tsx"): Promise<{ code: number; stdout: string; stderr: string }> {
  const command: [string, string[]] = via === "npm" ? ["npm", ["run", "--silent", "audit:verify", "--", "--org", slug]] : ["npx", ["tsx", "scripts/audit-verify.ts", "--org", slug]];
  try {
    const { stdout, stderr } = await run(command[0], command[1], {
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

const currentKey = () => env().auditKeys.keys.get(env().auditKeys.currentKeyId)!;
const verifying = (slug?: string) => ({ slug, keys: env().auditKeys.keys, checkpoints: { store: objectStore(), verifyKeys: env().checkpointVerifyKeys } });

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
        `INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, ip, action, summary, target_type, prev_hash, hash, key_id)
         VALUES (gen_random_uuid(), $1, 3, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      ],
      // Even with the real audit key, the forged row cannot make the genuine entry after it link to it.
      [[org.id], [org.id], [org.id, forged.at, forged.actorLabel, forged.ip, forged.action, forged.summary, forged.targetType, prev, entryHash(currentKey(), prev, forged), env().auditKeys.currentKeyId]],
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

describe("a long chain is verified in seq ranges, each in its own worker thread, meeting at one hash", () => {
  // Three ranges over a nine-entry chain: [1–3], [4–6], [7–the end].
  const inRanges = (slug: string) => verifyChains(env().platformDatabaseUrl, { ...verifying(slug), ranges: 3, minRangeEntries: 1 });

  test("[M5.4] an untouched chain verifies in ranges with the same head as read whole", async () => {
    const org = await organizationWithChain(9);
    const [split] = await inRanges(org.slug);
    const [whole] = await verifyChains(env().platformDatabaseUrl, verifying(org.slug));
    expect(split.ok).toBe(true);
    expect(split.line).toMatch(/intact through #9 — 9 entries checked in /);
    expect(split.line.split(", head ")[1]).toBe(whole.line.split(", head ")[1]);
  });

  test("[M5.4] an edit inside the middle range, a deleted first entry of a range, a broken link where two ranges meet: each named at its seq", async () => {
    const edited = await organizationWithChain(9);
    await asOwnerRewriting(["UPDATE audit_entry SET summary = 'Nothing happened' WHERE organization_id = $1 AND seq = 5"], [[edited.id]]);
    expect((await inRanges(edited.slug))[0].line).toMatch(/broken at #5: content does not match its hash/);

    const deleted = await organizationWithChain(9);
    await asOwnerRewriting(["DELETE FROM audit_entry WHERE organization_id = $1 AND seq = 4"], [[deleted.id]]);
    expect((await inRanges(deleted.slug))[0].line).toContain("broken at #4: entry missing (expected seq 4, found seq 5)");

    const relinked = await organizationWithChain(9);
    await asOwnerRewriting(["UPDATE audit_entry SET prev_hash = $2 WHERE organization_id = $1 AND seq = 7"], [[relinked.id, "e".repeat(64)]]);
    expect((await inRanges(relinked.slug))[0].line).toContain(`broken at #7: prev_hash does not link to the previous entry (expected ${await hashAt(relinked.id, 6)}, found ${"e".repeat(64)})`);
  });

  test("[M5.4] a tail cut after the checkpoint is found in ranges too, and an entry numbered below 1 is read", async () => {
    const cut = await organizationWithChain(9);
    await checkpointAuditChains();
    await asOwnerRewriting(["DELETE FROM audit_entry WHERE organization_id = $1 AND seq > 7"], [[cut.id]]);
    expect((await inRanges(cut.slug))[0].line).toContain("broken at #8: chain ends before its signed checkpoint: entries were cut (expected seq 9, found last seq 7)");

    const below = await organizationWithChain(9);
    await asOwnerRewriting(["UPDATE audit_entry SET seq = 0 WHERE organization_id = $1 AND seq = 9"], [[below.id]]);
    expect((await inRanges(below.slug))[0].line).toContain("broken at #1: entry out of order or duplicated (expected seq 1, found seq 0)");
  });
});

describe("the platform chain", () => {
  test("[M5.4] verifying every chain includes the platform's, which platform actions keep intact", async () => {
    await organizationWithChain(1);
    const reports = await verifyChains(env().platformDatabaseUrl, verifying());
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
    const [report] = await verifyChains(env().platformDatabaseUrl, verifying(org.slug));
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
    const [report] = await verifyChains(env().platformDatabaseUrl, verifying(org.slug));
    expect(report.line).toContain(`intact through #${appended + 1}`);
    console.log(`32 writers, 10 s: ${appended} appends, chain intact`);
  });
});

/** One chain's stored entries in order, as the owner reads them. */
const readChain = async (organizationId: string): Promise<ChainRow[]> => chainReader(owner, organizationId)(null, 100_000);

/**
 * The attacker's rewrite: give entry `fromSeq` a new summary (when one is
 * given), then recompute its hash and every later one with `hashWith`,
 * re-linking prev_hash, storing `keyId` on each: a chain whole by its own links.
 */
async function rewriteFrom(
  organizationId: string,
  fromSeq: number,
  hashWith: (prev: string, row: HashedFields) => string,
  keyId: string | null,
  summary: string | null = "Payment approved by the treasurer",
) {
  const rows = await readChain(organizationId);
  let prev = fromSeq > 1 ? rows[fromSeq - 2].hash : GENESIS_HASH;
  const statements: string[] = [];
  const params: unknown[][] = [];
  for (const row of rows.slice(fromSeq - 1)) {
    const edited = row.seq === BigInt(fromSeq) && summary !== null ? { ...row, summary } : row;
    const hash = hashWith(prev, edited);
    statements.push("UPDATE audit_entry SET summary = $2, prev_hash = $3, hash = $4, key_id = $5 WHERE id = $1");
    params.push([row.id, edited.summary, prev, hash, keyId]);
    prev = hash;
  }
  await asOwnerRewriting(statements, params);
}

const checkpointKeys = async (organizationId: string) => (await objectStore().list(`${CHECKPOINT_PREFIX}/${chainOf(organizationId)}/`)).map((o) => o.key);

describe("a superuser without the audit key cannot rewrite or shorten the trail unseen", () => {
  test("[M5.4] cutting the tail off a chain after its checkpoint: npm run audit:verify exits 1 naming the chain and the first missing seq", async () => {
    const org = await organizationWithChain(6);
    await checkpointAuditChains();
    expect(await checkpointKeys(org.id)).toEqual([checkpointObjectKey(org.id, 6n)]);
    await asOwnerRewriting(["DELETE FROM audit_entry WHERE organization_id = $1 AND seq > 4"], [[org.id]]);
    // Without the checkpoint the shortened chain would be whole: every remaining link and hash is genuine.
    const result = await verifyCli(org.slug, "npm");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${org.slug}: broken at #5: chain ends before its signed checkpoint: entries were cut (expected seq 6, found last seq 4)`);
  });

  test("[M5.4] deleting a whole organisation, its chain with it, after its checkpoint: verifying every chain reports the deleted chain", async () => {
    const org = await organizationWithChain(3);
    await checkpointAuditChains();
    // A superuser with triggers off (no foreign keys, no append-only guard) removes every row of the organisation.
    await owner.query("BEGIN");
    try {
      await owner.query("SET LOCAL session_replication_role = replica");
      const { rows } = await owner.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' AND table_name <> 'organization'",
      );
      for (const { table_name } of rows) await owner.query(`DELETE FROM ${table_name} WHERE organization_id = $1`, [org.id]);
      await owner.query("DELETE FROM organization WHERE id = $1", [org.id]);
      await owner.query("COMMIT");
    } catch (error) {
      await owner.query("ROLLBACK");
      throw error;
    }
    const reports = await verifyChains(env().platformDatabaseUrl, verifying());
    const deleted = reports.find((r) => r.chain === org.id);
    expect(deleted).toMatchObject({ ok: false, line: expect.stringContaining(`${org.id}: deleted — checkpoint #3 of `) });
    expect(deleted!.line).toContain(`signs this organisation's chain, but no organisation ${org.id} is in the database`);
    expect(reports.find((r) => r.chain === "platform")).toMatchObject({ ok: true });
  });

  test("[M5.4] editing an entry and recomputing every later hash with the code's own function under plain SHA-256, without key ids: exit 1 at the edited seq", async () => {
    const org = await organizationWithChain(6);
    await checkpointAuditChains();
    await rewriteFrom(org.id, 3, legacyEntryHash, null);
    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${org.slug}: broken at #3: entry has no audit key id (not written under the audit key)`);
  });

  test("[M5.4] editing an entry and recomputing every later hash as HMAC under a guessed key, keeping the key id (no checkpoint yet): exit 1 at the edited seq", async () => {
    const org = await organizationWithChain(6);
    // The guesses an attacker with the code can make: the key derived from a default secret, or all zeros.
    const guessed = parseAuditKeysFor("a-guessed-auth-secret-of-32-characters!!");
    for (const key of [guessed, createSecretKey(Buffer.alloc(32))]) {
      await rewriteFrom(org.id, 3, (prev, row) => entryHash(key, prev, row), env().auditKeys.currentKeyId);
      const result = await verifyCli(org.slug);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${org.slug}: broken at #3: content does not match its hash (expected `);
    }
  });

  test("[M5.4] the checkpoint job refuses to sign a chain that no longer passes through its last checkpoint, and writes nothing for it", async () => {
    const org = await organizationWithChain(4);
    await checkpointAuditChains();
    const before = await checkpointKeys(org.id);
    await rewriteFrom(org.id, 2, (prev, row) => entryHash(createSecretKey(Buffer.alloc(32, 7)), prev, row), env().auditKeys.currentKeyId);
    await asOwnerRewriting(
      [`INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, action, summary, prev_hash, hash, key_id)
        SELECT gen_random_uuid(), organization_id, 5, now(), 'x', 'member.update', 'x', hash, repeat('0', 64), key_id FROM audit_entry WHERE organization_id = $1 AND seq = 4`],
      [[org.id]],
    );
    const summary = await checkpointAuditChains();
    expect(summary.refused).toBeGreaterThanOrEqual(1);
    expect(await checkpointKeys(org.id)).toEqual(before);
  });
});

/** The development audit key an attacker would derive from a guessed AUTH_SECRET. */
function parseAuditKeysFor(authSecret: string) {
  const keys = parseAuditKeys({ AUTH_SECRET: authSecret });
  return keys.keys.get(keys.currentKeyId)!;
}

describe("signed checkpoints in the object store", () => {
  test("[M5.4] a checkpoint is never overwritten, and the job skips a chain whose head has not moved", async () => {
    const org = await organizationWithChain(3);
    const store = objectStore();
    await checkpointAuditChains();
    const first = checkpointObjectKey(org.id, 3n);
    expect(await checkpointKeys(org.id)).toEqual([first]);
    const written = await store.read(first);

    const again = await checkpointAuditChains();
    expect(again.unchanged).toBeGreaterThanOrEqual(1);
    expect(await checkpointKeys(org.id)).toEqual([first]);
    expect(await store.read(first)).toEqual(written);
    // Not through the store either: the object under that name stays the one signed first.
    const forged = await signCheckpoint(parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey }), { chain: org.id, seq: 3n, hash: "0".repeat(64), at: new Date() });
    await expect(store.create(first, Buffer.from(forged))).rejects.toBeInstanceOf(ObjectExistsError);
    expect(await store.read(first)).toEqual(written);

    const clerk = systemActor(org.id, "clerk", ["members:write"]);
    await createMember(clerk, { firstName: "Fourth", lastName: "Entry" });
    await checkpointAuditChains();
    expect(await checkpointKeys(org.id)).toEqual([first, checkpointObjectKey(org.id, 4n)]);
    expect(await store.read(first)).toEqual(written);
  });

  test("[M5.4] a checkpoint whose signature does not verify is itself reported (exit 1), and the chain is checked against the latest valid one", async () => {
    const org = await organizationWithChain(5);
    await checkpointAuditChains();
    // Written beside the real one by someone without the signing key: another key, and a real one with its payload changed.
    const other = parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey });
    const unknownKey = checkpointObjectKey(org.id, 9n);
    await objectStore().create(unknownKey, Buffer.from(await signCheckpoint(other, { chain: org.id, seq: 9n, hash: "1".repeat(64), at: new Date() })));
    const [header, payload, signature] = (await objectStore().read(checkpointObjectKey(org.id, 5n))).toString().split(".");
    const changed = Buffer.from(Buffer.from(payload, "base64url").toString().replace('"5"', '"8"')).toString("base64url");
    const alteredKey = checkpointObjectKey(org.id, 8n);
    await objectStore().create(alteredKey, Buffer.from(`${header}.${changed}.${signature}`));

    const result = await verifyCli(org.slug);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${org.slug}: checkpoint ${unknownKey} does not verify: signed by an unknown key`);
    expect(result.stderr).toContain(`${org.slug}: checkpoint ${alteredKey} does not verify: invalid signature`);
    expect(result.stdout).toContain(`${org.slug}: intact through #5 — 5 entries checked in `);
    expect(result.stdout).toContain("; checkpoint #5 of ");
  });
});

describe("switching existing chains to the audit key (npm run migrate)", () => {
  /** Turns an organisation's chain into what a database seeded before the key holds: SHA-256 hashes, no key ids. */
  const asBeforeTheKey = (organizationId: string) => rewriteFrom(organizationId, 1, legacyEntryHash, null, null);

  test("[M5.4] a chain written before the key is re-hashed and closed with one audit.rekey entry holding the old and new heads; it verifies; a second run changes nothing", async () => {
    const org = await organizationWithChain(5);
    await asBeforeTheKey(org.id);
    const legacy = await readChain(org.id);
    expect(legacy.every((r) => r.keyId === null)).toBe(true);
    expect((await verifyCli(org.slug)).stderr).toContain(`${org.slug}: broken at #1: entry has no audit key id`);

    const { rekeyed } = await migrate(process.env.DATABASE_URL!);
    const report = rekeyed.find((r) => r.chain === org.slug);
    expect(report).toMatchObject({ ok: true, rehashed: 5, switchSeq: 6n, oldHead: { seq: 5n, hash: legacy[4].hash } });
    const keyed = await readChain(org.id);
    expect(keyed).toHaveLength(6);
    expect(keyed.every((r) => r.keyId === env().auditKeys.currentKeyId)).toBe(true);
    expect(keyed.slice(0, 5).map((r) => r.summary)).toEqual(legacy.map((r) => r.summary));
    expect(keyed[5]).toMatchObject({
      action: "audit.rekey",
      actorLabel: "npm run migrate",
      before: { head: { seq: "5", hash: legacy[4].hash } },
      after: { head: { seq: "5", hash: keyed[4].hash }, keyId: env().auditKeys.currentKeyId, rehashed: 5 },
    });
    const [verdict] = await verifyChains(env().platformDatabaseUrl, verifying(org.slug));
    expect(verdict).toMatchObject({ ok: true, line: expect.stringContaining("intact through #6") });

    const second = await migrate(process.env.DATABASE_URL!);
    expect(second.rekeyed.find((r) => r.chain === org.slug)).toBeUndefined();
    expect(await readChain(org.id)).toEqual(keyed);
    // The app appends on after the switch entry.
    await createMember(systemActor(org.id, "clerk", ["members:write"]), { firstName: "After", lastName: "Switch" });
    expect((await verifyCli(org.slug)).stdout).toContain(`${org.slug}: intact through #7`);
  });

  test("[M5.4] a chain that does not verify as it stands is not re-keyed: the switch never launders a rewrite", async () => {
    const org = await organizationWithChain(4);
    await asBeforeTheKey(org.id);
    await asOwnerRewriting(["UPDATE audit_entry SET summary = 'Nothing happened' WHERE organization_id = $1 AND seq = 2"], [[org.id]]);
    const { rekeyed } = await migrate(process.env.DATABASE_URL!);
    expect(rekeyed.find((r) => r.chain === org.slug)).toMatchObject({ ok: false, problem: expect.stringContaining("broken at #2: content does not match its hash") });
    expect((await readChain(org.id)).every((r) => r.keyId === null)).toBe(true);
    // Leave no unkeyed chain behind for the other tests' migrations.
    await asOwnerRewriting(["DELETE FROM audit_entry WHERE organization_id = $1"], [[org.id]]);
  });
});
