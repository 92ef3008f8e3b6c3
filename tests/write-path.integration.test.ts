import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { entryHash } from "@/lib/audit/canonical";
import { systemActor } from "@/lib/authz/actor";
import { disconnectAll, swapAppDb } from "@/lib/db/clients";
import { PrismaClient } from "@/lib/db/generated/client";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { createDonor } from "@/lib/services/donors";
import { createOrganization } from "@/lib/services/organizations";
import { chainReader } from "../scripts/lib/audit-chains";
import { verifyChain } from "@/lib/audit/verify";
import { connectAs } from "./support/database";
import { TEST_ACTOR } from "./support/organizations";

let owner: pg.Client;
const newOrg = async () => (await createOrganization(TEST_ACTOR, { slug: `write-${randomUUID().slice(0, 8)}`, name: "Write path", kind: "CLUB" })).id;

beforeAll(async () => {
  owner = await connectAs("owner");
});
afterAll(async () => {
  await owner.end();
  await disconnectAll();
});

/** Every statement pg sends while `fn` runs, in order. */
async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    sent.push(typeof config === "string" ? config : config.text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await fn();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent;
}

describe("the tenant transaction", () => {
  test("[B3.2] sends its tenant with BEGIN in one round trip, and RLS still scopes every row to that tenant", async () => {
    const [a, b] = [await newOrg(), await newOrg()];
    const sent = await statementsDuring(() => withTenant(a, (tx) => tx.donor.create({ data: { organizationId: a, name: "Amina" }, select: { id: true } })));
    expect(sent).toHaveLength(3);
    expect(sent[0]).toBe(`BEGIN; SELECT set_config('app.org_id', '${a}', true)`);
    expect(sent[1]).toMatch(/^INSERT INTO "public"\."donor"/);
    expect(sent[2]).toBe("COMMIT");
    expect(await withTenant(a, (tx) => tx.donor.count())).toBe(1);
    expect(await withTenant(b, (tx) => tx.donor.count())).toBe(0);
    // Writing another tenant's row is refused by the policy, as before.
    await expect(withTenant(b, (tx) => tx.donor.create({ data: { organizationId: a, name: "Not yours" }, select: { id: true } }))).rejects.toThrow();
    // The setting was transaction-local: the pooled connection carries nothing to the next transaction.
    expect(await withTenant(b, (tx) => tx.$queryRaw<{ org: string }[]>`SELECT current_setting('app.org_id', true) AS org`)).toEqual([{ org: b }]);
  });

  test("[B3.2] a second copy of the module, as Next's production build makes one per server layer, still sends the tenant with BEGIN", async () => {
    const a = await newOrg();
    await withTenant(a, (tx) => tx.donor.count()); // the pooled connections exist, made by this copy
    vi.resetModules();
    const copy = await import("@/lib/db/tenant");
    expect(copy.withTenant).not.toBe(withTenant);
    const sent = await statementsDuring(() => copy.withTenant(a, (tx) => tx.donor.count()));
    expect(sent).toEqual([`BEGIN; SELECT set_config('app.org_id', '${a}', true)`, expect.stringMatching(/^SELECT COUNT/), "COMMIT"]);
  });

  test("[B3.2] a client whose pool cannot carry the tenant with BEGIN still sets it, as the transaction's first statement", async () => {
    const [a, b] = [await newOrg(), await newOrg()];
    await withTenant(a, (tx) => tx.donor.create({ data: { organizationId: a, name: "Baraka" }, select: { id: true } }));
    const plain = new PrismaClient({ adapter: new PrismaPg({ connectionString: env().appDatabaseUrl, max: 2 }) });
    const previous = swapAppDb(plain);
    try {
      let count = 0;
      const sent = await statementsDuring(async () => (count = await withTenant(a, (tx) => tx.donor.count())));
      expect(sent.slice(0, 2)).toEqual(["BEGIN", "SELECT set_config('app.org_id', $1, true)"]);
      expect(count).toBe(1);
      expect(await withTenant(b, (tx) => tx.donor.count())).toBe(0);
    } finally {
      swapAppDb(previous);
      await plain.$disconnect();
    }
  });
});

describe("the audit append", () => {
  test("[M5.1] a mutation is five round trips: BEGIN with the tenant, the change, the chain's lock with its head, the entry, COMMIT", async () => {
    const org = await newOrg();
    const actor = systemActor(org, "clerk@write.test", ["donations:write"]);
    const sent = await statementsDuring(() => createDonor(actor, { name: "Chebet", email: "chebet@write.test" }));
    const expected = [/^BEGIN; SELECT set_config\('app\.org_id'/, /^INSERT INTO "public"\."donor"/, /^SELECT seq, hash FROM audit_chain_head/, /^INSERT INTO audit_entry/, /^COMMIT$/];
    expect(sent).toHaveLength(expected.length);
    sent.forEach((statement, i) => expect(statement).toMatch(expected[i]));
  });

  test("[M5.4] a writer waiting for the chain's lock reads the head its holder committed, never the one before: the chain does not fork", async () => {
    const org = await newOrg();
    const actor = systemActor(org, "clerk@write.test", ["donations:write"]);
    await createDonor(actor, { name: "Before", email: null });
    const holder = await connectAs("app");
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT set_config('app.org_id', $1, true)", [org]);
      const { rows } = await holder.query<{ seq: string; hash: string }>("SELECT seq::text AS seq, hash FROM audit_chain_head($1)", [org]);
      const head = { seq: BigInt(rows[0].seq), hash: rows[0].hash };
      // Another writer starts while the holder has the lock: it must wait.
      let done = false;
      const waiting = createDonor(actor, { name: "Waiting", email: null }).finally(() => (done = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(done).toBe(false);
      // The holder appends a genuine entry and commits; only then does the waiter read the head.
      const { currentKeyId, keys } = env().auditKeys;
      const entry = {
        organizationId: org,
        seq: head.seq + 1n,
        at: new Date(),
        actorId: null,
        actorLabel: "holder@write.test",
        ip: null,
        action: "donor.create",
        summary: "Held the lock",
        targetType: null,
        targetId: null,
        before: null,
        after: null,
      };
      const hash = entryHash(keys.get(currentKeyId)!, head.hash, entry);
      await holder.query(
        `INSERT INTO audit_entry (id, organization_id, seq, at, actor_label, action, summary, prev_hash, hash, key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [randomUUID(), org, entry.seq.toString(), entry.at, entry.actorLabel, entry.action, entry.summary, head.hash, hash, currentKeyId],
      );
      await holder.query("COMMIT");
      await waiting;
      const last = await owner.query<{ seq: string; prev_hash: string }>("SELECT seq::text AS seq, prev_hash FROM audit_entry WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1", [org]);
      expect(last.rows[0]).toEqual({ seq: (head.seq + 2n).toString(), prev_hash: hash });
      const verdict = await verifyChain(chainReader(owner, org), { keys });
      expect(verdict.ok).toBe(true);
    } finally {
      await holder.end();
    }
  });
});
