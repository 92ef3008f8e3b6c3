import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { computeBlindIndex, legacyBlindIndex } from "@/lib/crypto/blind-index";
import type { IndexKind } from "@/lib/crypto/normalize";
import { connect, disconnectAll } from "@/lib/db/clients";
import { withCiphertext } from "@/lib/db/platform";
import { env } from "@/lib/env";
import { reindexRow, rotateKeys, swapRow } from "@/lib/jobs/key-rotation";
import { findDonorsByEmail } from "@/lib/queries/donors";
import { getMember, listMembers } from "@/lib/queries/members";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { createDonor } from "@/lib/services/donors";
import { createMember, updateMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { connectAs } from "./support/database";
import { createTestInvoice } from "./support/dues";
import { useFreshDatabase } from "./support/fresh-database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { runScript } from "./support/script-process";

/**
 * Moving a database written under the one global blind index to
 * per-organisation indexes, with the real `npm run keys:reindex`, over a
 * database of its own (every row in it is ours). The old form is made the way
 * an old release wrote it: the global HMAC of each stored value.
 */
// Each run of the command is a tsx start-up on a machine shared with other work.
vi.setConfig({ testTimeout: 300_000 });

let ownerUrl: string;
let owner: pg.Client;
let club: TestOrganization;
let ngo: TestOrganization;

beforeAll(async () => {
  ({ ownerUrl } = await useFreshDatabase("reindex"));
  owner = await connectAs("owner");
  club = await createTestOrganization("reindex-club");
  ngo = await createTestOrganization("reindex-ngo", "NGO");
});
afterAll(async () => {
  await owner?.end();
  await disconnectAll();
});

function reindexCommand(args: string[], onLine?: (line: string, kill: () => void) => void) {
  return runScript("keys-reindex", args, { ...process.env, DATABASE_URL: ownerUrl }, onLine);
}

const INDEX_COLUMNS: Record<string, [column: string, field: string, kind: IndexKind][]> = {
  member: [["nin_index", "nin", "nin"], ["bvn_index", "bvn", "bvn"], ["phone_index", "phone", "phone"], ["email_index", "email", "email"]],
  donor: [["email_index", "email", "email"]],
  payment: [["mpesa_receipt_index", "mpesaReceipt", "mpesa-receipt"], ["payer_phone_index", "payerPhone", "phone"]],
};

/** Every stored row with an indexed value, decrypted, with its organisation and its index columns as stored. */
async function indexedRows() {
  const client = connect(env().platformDatabaseUrl, env().keyring);
  try {
    const rows: { table: string; id: string; organizationId: string; values: Record<string, string | null> }[] = [];
    const members = await client.member.findMany({ select: { id: true, organizationId: true, nin: true, bvn: true, phone: true, email: true } });
    const donors = await client.donor.findMany({ select: { id: true, organizationId: true, email: true } });
    const payments = await client.payment.findMany({ select: { id: true, organizationId: true, mpesaReceipt: true, payerPhone: true } });
    for (const [table, found] of [["member", members], ["donor", donors], ["payment", payments]] as const) {
      for (const { id, organizationId, ...values } of found) rows.push({ table, id, organizationId, values });
    }
    return rows;
  } finally {
    await client.$disconnect();
  }
}

/** Rewrites every index as the release before per-organisation indexes wrote it. */
async function writeLegacyIndexes() {
  const { keyring } = env();
  for (const row of await indexedRows()) {
    const columns = INDEX_COLUMNS[row.table]!;
    const values = columns.map(([, field, kind]) => (row.values[field] ? legacyBlindIndex(keyring, kind, row.values[field]!) : null));
    await owner.query(`UPDATE ${row.table} SET ${columns.map(([column], i) => `${column} = $${i + 2}`).join(", ")} WHERE id = $1`, [row.id, ...values]);
  }
}

/** Stored index values by form, over every index column. */
async function indexForms() {
  const counts = { legacy: 0, v2: 0 };
  for (const [table, columns] of Object.entries(INDEX_COLUMNS)) {
    for (const [column] of columns) {
      const { rows } = await owner.query<{ legacy: number; v2: number }>(
        `SELECT count(*) FILTER (WHERE ${column} NOT LIKE 'v2.%')::int AS legacy, count(*) FILTER (WHERE ${column} LIKE 'v2.%')::int AS v2 FROM ${table}`,
      );
      counts.legacy += rows[0]!.legacy;
      counts.v2 += rows[0]!.v2;
    }
  }
  return counts;
}

/** Index values stored in both organisations, in any column of any table. */
async function sharedAcrossOrganizations(): Promise<number> {
  const all = Object.entries(INDEX_COLUMNS).flatMap(([table, columns]) => columns.map(([column]) => `SELECT organization_id, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`));
  const { rows } = await owner.query(`WITH i AS (${all.join(" UNION ALL ")}) SELECT v FROM i GROUP BY v HAVING count(DISTINCT organization_id) > 1`);
  return rows.length;
}

const digits = () => String(Math.floor(1e10 + Math.random() * 9e10));
const people = Array.from({ length: 12 }, (_, i) => ({
  firstName: `Oluchi${i}`,
  lastName: "Obi",
  nin: digits(),
  bvn: digits(),
  phone: `+23480${digits().slice(0, 8)}`,
  email: `oluchi.${i}.${digits()}@example.ng`,
}));
const DONOR_EMAIL = `giving.${digits()}@example.org`;
const RECEIPT = "RDX55PQ21K";
const PAYER = "+254711000222";

describe("keys:reindex: from the global blind index to per-organisation indexes", () => {
  test("[M2.4] [M4.2] a database of legacy indexes is moved in batches, killed half-way and run again; search, the one-per-NIN rule and the receipt lookup find everyone before, during and after", async () => {
    const ids = { club: [] as string[], ngo: [] as string[] };
    for (const person of people) ids.club.push((await createMember(club.actors.ADMIN, person)).id);
    // Half of the club's members are also enrolled by the NGO, with the same identifiers.
    for (const person of people.slice(0, 6)) ids.ngo.push((await createMember(ngo.actors.ADMIN, person)).id);
    await createDonor(club.actors.TREASURER, { name: "Obi Trust", email: DONOR_EMAIL });
    const { invoice } = await createTestInvoice(club);
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: RECEIPT, phone: PAYER, amount: "10", paidOn: "2026-11-22" });
    // What this release writes is already per organisation.
    expect(await sharedAcrossOrganizations()).toBe(0);
    expect((await indexForms()).legacy).toBe(0);

    await writeLegacyIndexes();
    const total = await indexForms();
    expect(total.v2).toBe(0);
    // The problem as it was: each shared person's NIN, BVN, phone and email carry one value in both organisations.
    expect(await sharedAcrossOrganizations()).toBe(6 * 4);
    const updatedAt = (await owner.query(`SELECT id, updated_at FROM member ORDER BY id`)).rows;

    const findsEveryone = async () => {
      for (const [i, person] of people.entries()) {
        for (const search of [person.nin, person.bvn, person.phone, person.email.toUpperCase()]) {
          expect((await listMembers(club.actors.VIEWER, { search })).map((m) => m.id), search).toEqual([ids.club[i]]);
          expect((await listMembers(ngo.actors.VIEWER, { search })).map((m) => m.id), search).toEqual(i < 6 ? [ids.ngo[i]] : []);
        }
      }
      expect(await findDonorsByEmail(club.actors.TREASURER, DONOR_EMAIL)).toMatchObject([{ name: "Obi Trust" }]);
      expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, RECEIPT.toLowerCase())).toMatchObject({ payerPhone: PAYER });
      await expect(createMember(ngo.actors.ADMIN, { firstName: "Copy", lastName: "Obi", nin: people[0]!.nin })).rejects.toMatchObject({ code: "CONFLICT", fieldErrors: { nin: [expect.any(String)] } });
      await expect(recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: RECEIPT, amount: "1", paidOn: "2026-11-23" })).rejects.toMatchObject({ code: "CONFLICT" });
    };
    await findsEveryone();

    const killed = await reindexCommand(["--batch-size", "1"], (line, kill) => {
      if (line.startsWith("keys:reindex: Member 5/")) kill();
    });
    expect(killed.signal).toBe("SIGKILL");
    const half = await indexForms();
    expect(half.v2).toBeGreaterThan(0);
    expect(half.legacy).toBeGreaterThan(0);
    await findsEveryone();

    const run = await reindexCommand(["--batch-size", "4"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/keys:reindex: Member 4\/\d+ rows/);
    expect(run.stdout).toMatch(/keys:reindex: Member\.ninIndex: \d+ blind index\(es\) recomputed/);
    expect(run.stdout).toContain("keys:reindex: Payment.mpesaReceiptIndex: 1 blind index(es) recomputed");
    expect(run.stdout).toContain("keys:reindex: Donor.emailIndex: 1 blind index(es) recomputed");
    expect(run.stdout).toContain("every blind index is under its organisation's key");

    expect(await indexForms()).toEqual({ legacy: 0, v2: total.legacy });
    expect(await sharedAcrossOrganizations()).toBe(0);
    const { keyring } = env();
    for (const row of await indexedRows()) {
      const stored = (await owner.query(`SELECT * FROM ${row.table} WHERE id = $1`, [row.id])).rows[0];
      for (const [column, field, kind] of INDEX_COLUMNS[row.table]!) {
        expect(stored[column], `${row.table}.${column}`).toBe(row.values[field] ? computeBlindIndex(keyring, row.organizationId, kind, row.values[field]!) : null);
      }
    }
    await findsEveryone();
    // Reindexing is not an edit, and it is on the platform audit chain.
    expect((await owner.query(`SELECT id, updated_at FROM member ORDER BY id`)).rows).toEqual(updatedAt);
    const audit = await owner.query(`SELECT actor_label, after FROM audit_entry WHERE organization_id IS NULL AND action = 'keys.reindex' ORDER BY seq`);
    expect(audit.rows.at(-1)).toMatchObject({ actor_label: "keys:reindex", after: { remaining: 0, legacy: 0 } });

    const again = await reindexCommand([]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("recomputed");
    expect(again.stdout).not.toContain(" rows");
  });

  test("[M2.4] a row edited while it is being reindexed keeps the edit: the stale index is not written, and the edit's own index is already per-organisation", async () => {
    const person = { firstName: "Kelechi", lastName: "Ude", nin: digits(), phone: `+23480${digits().slice(0, 8)}` };
    const { id } = await createMember(club.actors.ADMIN, person);
    await writeLegacyIndexes();
    const stale = (await withCiphertext((tx) =>
      tx.member.findUniqueOrThrow({ where: { id }, select: { id: true, organizationId: true, nin: true, ninIndex: true, phone: true, phoneIndex: true, updatedAt: true } }),
    )) as unknown as Record<string, string | Date>;
    const outcome = reindexRow(env().keyring, "Member", stale, [])!;
    expect(outcome.rotated).toEqual(["Member.ninIndex", "Member.phoneIndex"]);

    const phone = `+23481${digits().slice(0, 8)}`;
    await updateMember(club.actors.ADMIN, { id, ...person, phone });
    expect(await withCiphertext((tx) => swapRow(tx, "Member", id, outcome))).toBe(false);
    expect((await listMembers(club.actors.VIEWER, { search: phone })).map((m) => m.id)).toEqual([id]);
    expect((await owner.query(`SELECT phone_index FROM member WHERE id = $1`, [id])).rows[0].phone_index).toBe(computeBlindIndex(env().keyring, club.id, "phone", phone));

    expect(await rotateKeys({ keyring: env().keyring, reindex: "legacy" })).toMatchObject({ failures: [], remaining: 0, legacy: 0 });
    expect(await getMember(club.actors.VIEWER, id)).toMatchObject({ ...person, phone });
  });
});
