import { createSecretKey, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { POST as mpesaCallback } from "@/app/api/webhooks/mpesa/[token]/route";
import { FieldDecryptionError } from "@/lib/crypto/cipher";
import { computeBlindIndex } from "@/lib/crypto/blind-index";
import { developmentKeys, parseKeyring, type Keyring } from "@/lib/crypto/keyring";
import { connect, disconnectAll, swapAppDb } from "@/lib/db/clients";
import { withCiphertext } from "@/lib/db/platform";
import { withTenant } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { reencryptRow, rotateKeys, swapRow } from "@/lib/jobs/key-rotation";
import { getMember } from "@/lib/queries/members";
import { getWelfareCaseNotes } from "@/lib/queries/welfare-cases";
import { payableInvoiceForMember } from "@/lib/queries/payable-invoices";
import { findPaymentByMpesaReceipt } from "@/lib/queries/payments";
import { stkCallbackBody } from "@/lib/schemas/mpesa-callbacks";
import { startMpesaPayment } from "@/lib/services/mpesa-payments";
import { darajaCredential } from "@/lib/payments/credentials";
import { findDonorsByEmail } from "@/lib/queries/donors";
import { createDonor } from "@/lib/services/donors";
import { archiveMember, createMember, updateMember } from "@/lib/services/members";
import { recordPayment } from "@/lib/services/payments";
import { createTestInvoice } from "./support/dues";
import { setPaymentCredential } from "@/lib/services/payment-credentials";
import { openWelfareCase } from "@/lib/services/welfare-cases";
import { checkRetire } from "../scripts/lib/key-retirement";
import { startDarajaStandIn, type DarajaStandIn } from "../scripts/lib/daraja-stand-in";
import { connectAs } from "./support/database";
import { useFreshDatabase } from "./support/fresh-database";
import { createTestOrganization, type TestOrganization } from "./support/organizations";
import { serveRoute, type RouteServer } from "./support/route-server";
import { captureStderr } from "./support/stderr";
import type pg from "pg";
import { runScript } from "./support/script-process";

/**
 * Key rotation over a database of its own (every row in it is ours), with the
 * real `npm run keys:rotate` / `keys:retire` commands where the operator would
 * run them, and the job's functions where a race has to be staged.
 */
// Each test runs real commands (a tsx start-up apiece) on a machine shared with other work.
vi.setConfig({ testTimeout: 300_000 });

let ownerUrl: string;
let owner: pg.Client;
let club: TestOrganization;
let daraja: DarajaStandIn;
let callbacks: RouteServer;

const DEV = developmentKeys(process.env.AUTH_SECRET!);
const DARAJA = { provider: "MPESA_DARAJA", shortcode: "174379", passkey: "bfb279f9aa9bdbcf158e97dd", consumerKey: "rotation-consumer-key", consumerSecret: "daraja-consumer-secret-0001" } as const;
const newKey = () => randomBytes(32).toString("base64");
const [K2, K3, K4, K5, K6] = [newKey(), newKey(), newKey(), newKey(), newKey()];

/** A keyring as the environment would give it: ids and keys, current first. */
function keyring(entries: [string, string][], blindIndexKey = DEV.blindIndexKey): Keyring {
  return {
    currentKeyId: entries[0]![0],
    keys: new Map(entries.map(([id, key]) => [id, createSecretKey(Buffer.from(key, "base64"))])),
    blindIndexKey: createSecretKey(Buffer.from(blindIndexKey, "base64")),
    derived: { fieldKeys: false, blindIndexKey: false },
  };
}

/** Runs one of our npm scripts as an operator would, against this file's database. */
function command(
  script: "keys-rotate" | "keys-retire" | "keys-reindex",
  args: string[],
  keys: [string, string][],
  { onLine, blindIndexKey = DEV.blindIndexKey }: { onLine?: (line: string, kill: () => void) => void; blindIndexKey?: string } = {},
) {
  const env = {
    ...process.env,
    DATABASE_URL: ownerUrl,
    FIELD_ENCRYPTION_KEYS: keys.map(([id, key]) => `${id}:${key}`).join(","),
    BLIND_INDEX_KEY: blindIndexKey,
  };
  return runScript(script, args, env, onLine);
}

/** The key id of every stored encrypted value in the database, by table.column. */
async function storedKeyIds(): Promise<Record<string, string[]>> {
  const columns: Record<string, string[]> = {
    member: ["nin", "bvn", "phone", "email", "date_of_birth", "address"],
    donor: ["name", "email"],
    payment: ["mpesa_receipt", "payer_phone", "raw_payload"],
    welfare_case: ["notes"],
    payment_credential: ["secret"],
  };
  const found: Record<string, string[]> = {};
  for (const [table, cols] of Object.entries(columns)) {
    for (const col of cols) {
      const { rows } = await owner.query<{ key_id: string }>(`SELECT DISTINCT split_part(${col}, '.', 2) AS key_id FROM ${table} WHERE ${col} IS NOT NULL`);
      found[`${table}.${col}`] = rows.map((r) => r.key_id).sort();
    }
  }
  return found;
}

/** Reads through the services with an app client holding exactly `ring`. */
async function withAppKeyring<T>(ring: Keyring, fn: () => Promise<T>): Promise<T> {
  const client = connect(env().appDatabaseUrl, ring);
  const previous = swapAppDb(client);
  try {
    return await fn();
  } finally {
    swapAppDb(previous);
    await client.$disconnect();
  }
}

const digits = () => String(Math.floor(1e10 + Math.random() * 9e10));
const person = (i: number) => ({
  firstName: `Ngozi${i}`,
  lastName: "Adeyemi",
  nin: digits(),
  bvn: digits(),
  phone: `+23480${digits().slice(0, 8)}`,
  email: `ngozi.${digits()}@example.ng`,
  dateOfBirth: "1985-06-01",
  address: `${i} Herbert Macaulay Way, Yaba`,
});

beforeAll(async () => {
  ({ ownerUrl } = await useFreshDatabase("keys"));
  // STK payments settle through the Daraja stand-in's callback into the real route: the ledger's raw payloads are real ones.
  daraja = await startDarajaStandIn({ callbackDelayMs: 20 });
  process.env.DARAJA_BASE_URL = daraja.url;
  callbacks = await serveRoute(/^\/api\/webhooks\/mpesa\/(?<token>[^/]+)$/, mpesaCallback);
  owner = await connectAs("owner");
  club = await createTestOrganization("keys");
});
afterAll(async () => {
  await owner?.end();
  await callbacks?.close();
  await daraja?.stop();
  await disconnectAll();
});

describe("rotating the field key", () => {
  test("[B2.1] [B2.2] add a new key, run keys:rotate, retire the old key: every value still decrypts, payment credentials included", async () => {
    const members: { input: ReturnType<typeof person>; id: string }[] = [];
    for (let i = 0; i < 24; i++) {
      const input = person(i);
      members.push({ input, id: (await createMember(club.actors.ADMIN, input)).id });
    }
    const note = "Rent arrears after the flood; landlord has given notice.";
    const welfare = await openWelfareCase(club.actors.TREASURER, { memberId: members[0]!.id, title: "Housing", notes: note });
    const donorEmail = `giving.${digits()}@example.org`;
    await createDonor(club.actors.TREASURER, { name: "Adeyemi & Sons", email: donorEmail });
    const { invoice } = await createTestInvoice(club);
    await recordPayment(club.actors.TREASURER, { invoiceId: invoice.id, method: "MPESA", reference: "TRK88ZZ11Q", phone: "+254700111222", amount: "99", paidOn: "2026-11-25" });
    await setPaymentCredential(club.actors.OWNER, DARAJA);
    const stk = await createTestInvoice(club, { amount: "250" });
    const { paymentId: stkPaymentId } = await startMpesaPayment(
      club.actors.TREASURER,
      await payableInvoiceForMember(club.actors.TREASURER, stk.invoice.id),
      { phone: "+254712345678" },
      `http://${club.slug}.localhost:${callbacks.port}`,
    );
    await vi.waitFor(() => expect(callbacks.answered.map((a) => a.status)).toEqual([200]), { timeout: 10_000, interval: 20 });
    const stkCallback = callbacks.answered[0]!.body;
    const stkReceipt = stkCallbackBody.parse(JSON.parse(stkCallback)).payment!.receiptNumber;
    expect(new Set(Object.values(await storedKeyIds()).flat())).toEqual(new Set(["dev"]));

    const rotation: [string, string][] = [["k2", K2], ["dev", DEV.fieldKey]];
    const early = await command("keys-retire", ["dev"], rotation);
    expect(early.code).toBe(1);
    expect(early.stdout).toContain(`Member.nin: 24 value(s) under key "dev"`);
    expect(early.stdout).toContain(`WelfareCase.notes: 1 value(s) under key "dev"`);
    expect(early.stderr).toMatch(/refused: \d+ stored value\(s\) still use key "dev"/);
    expect((await command("keys-retire", ["k2"], rotation)).stderr).toContain(`key "k2" is the current key`);

    const touched = (await owner.query(`SELECT id, updated_at FROM member ORDER BY id`)).rows;
    const run = await command("keys-rotate", ["--batch-size", "7"], rotation);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("keys:rotate: Member 7/24 rows");
    expect(run.stdout).toContain("keys:rotate: Member 24/24 rows");
    expect(run.stdout).toContain("keys:rotate: Member.nin: 24 value(s) re-encrypted");
    expect(run.stdout).toContain(`every stored value is under key "k2"`);
    for (const [column, ids] of Object.entries(await storedKeyIds())) expect(ids, column).toEqual(["k2"]);

    const retire = await command("keys-retire", ["dev"], rotation);
    expect(retire.code).toBe(0);
    expect(retire.stdout).toContain(`no stored value uses key "dev"`);

    // The old key is gone from the keyring: everything still reads, through the services.
    await withAppKeyring(keyring([["k2", K2]]), async () => {
      for (const { id, input } of members) expect(await getMember(club.actors.VIEWER, id)).toMatchObject(input);
      expect((await getWelfareCaseNotes(club.actors.TREASURER, welfare.id)).notes).toBe(note);
      expect(await findDonorsByEmail(club.actors.VIEWER, donorEmail)).toMatchObject([{ name: "Adeyemi & Sons" }]);
      expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, "trk88zz11q")).toMatchObject({ payerPhone: "+254700111222" });
      expect(await findPaymentByMpesaReceipt(club.actors.TREASURER, stkReceipt)).toMatchObject({ id: stkPaymentId, payerPhone: "+254712345678", status: "SUCCEEDED" });
      const raw = await withTenant(club.id, (tx) => tx.payment.findUniqueOrThrow({ where: { id: stkPaymentId }, select: { rawPayload: true } }));
      expect(JSON.parse(raw.rawPayload!)).toEqual(JSON.parse(stkCallback));
      expect(await darajaCredential(club.id)).toMatchObject({ consumerSecret: DARAJA.consumerSecret });
    });

    // Rotation is not an edit: the rows keep their updated_at, and the run is on the platform audit chain.
    expect((await owner.query(`SELECT id, updated_at FROM member ORDER BY id`)).rows).toEqual(touched);
    const { rows } = await owner.query(`SELECT action, summary, after FROM audit_entry WHERE organization_id IS NULL AND action = 'keys.rotate'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].after).toMatchObject({ keyId: "k2", rotated: { "Member.nin": 24, "WelfareCase.notes": 1 }, remaining: 0 });
  });

  test("[B2.1] a value under a key id the keyring does not hold fails loudly, and rotation reports it instead of skipping it silently", async () => {
    const stranger = person(99);
    const { id } = await withAppKeyring(keyring([["k9", newKey()]]), () => createMember(club.actors.ADMIN, stranger));
    const { lines, outcome } = await withAppKeyring(keyring([["k2", K2]]), () => captureStderr(() => getMember(club.actors.ADMIN, id)));
    expect(outcome.status).toBe("rejected");
    const error = (outcome as PromiseRejectedResult).reason as FieldDecryptionError;
    expect(error).toBeInstanceOf(FieldDecryptionError);
    expect(error).toMatchObject({ reason: "unknown-key", keyId: "k9" });
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ level: "error", message: "field decryption failed", rowId: id, reason: "unknown-key", keyId: "k9" }));
    expect(lines.join("\n")).not.toContain(stranger.nin);

    const run = await command("keys-rotate", [], [["k3", K3], ["k2", K2]]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot read Member.nin of row ${id}: unknown-key (key "k9")`);
    expect(run.stderr).toMatch(/6 value\(s\) are still not under key "k3"/);
    expect(await checkRetire(keyring([["k3", K3]]), "k9")).toMatchObject({ allowed: false, counts: { "Member.nin": 1, "Member.address": 1 } });
    // Everything else moved on; the stranger's row is the operator's to resolve (docs/KEYS.md).
    await owner.query(`DELETE FROM member WHERE id = $1`, [id]);
    expect((await command("keys-rotate", [], [["k3", K3], ["k2", K2]])).code).toBe(0);
  });
});

describe("rotation beside live traffic", () => {
  const ring = () => keyring([["k4", K4], ["k3", K3]]);

  test("[B2.1] a row edited between rotation's read and write keeps the edit: the stale re-encryption is not written", async () => {
    const input = person(7);
    const { id } = await withAppKeyring(keyring([["k3", K3]]), () => createMember(club.actors.ADMIN, input));
    await withAppKeyring(keyring([["k3", K3]]), () => updateMember(club.actors.ADMIN, { id, ...input, phone: "+254733000001" }));
    const stale = (await withCiphertext((tx) => tx.member.findUniqueOrThrow({ where: { id }, select: { id: true, phone: true, nin: true, updatedAt: true } }))) as unknown as Record<string, string | Date>;
    const failures: never[] = [];
    const outcome = reencryptRow(ring(), "Member", stale, {}, failures)!;
    expect(outcome.rotated).toEqual(["Member.nin", "Member.phone"]);

    // The concurrent edit lands first (the app still writes under k3).
    await withAppKeyring(keyring([["k3", K3]]), () => updateMember(club.actors.ADMIN, { id, ...input, phone: "+254733000002" }));
    expect(await withCiphertext((tx) => swapRow(tx, "Member", id, outcome))).toBe(false);
    await withAppKeyring(ring(), async () => expect(await getMember(club.actors.ADMIN, id)).toMatchObject({ phone: "+254733000002" }));

    // An edit of another column only (archiving) wins too: the swap also compares updated_at.
    const stale2 = (await withCiphertext((tx) => tx.member.findUniqueOrThrow({ where: { id }, select: { id: true, phone: true, nin: true, updatedAt: true } }))) as unknown as Record<string, string | Date>;
    const outcome2 = reencryptRow(ring(), "Member", stale2, {}, failures)!;
    await archiveMember(club.actors.ADMIN, { id });
    expect(await withCiphertext((tx) => swapRow(tx, "Member", id, outcome2))).toBe(false);
    expect((await owner.query(`SELECT status, updated_at > $2 AS bumped FROM member WHERE id = $1`, [id, stale2.updatedAt])).rows[0]).toEqual({ status: "ARCHIVED", bumped: true });

    // The next run takes the edited row.
    const report = await rotateKeys({ keyring: ring() });
    expect(report).toMatchObject({ failures: [], remaining: 0 });
    await withAppKeyring(keyring([["k4", K4]]), async () => expect(await getMember(club.actors.ADMIN, id)).toMatchObject({ phone: "+254733000002", status: "ARCHIVED" }));
  });

  test("[B2.1] rotating while the services edit the same rows loses no edit", async () => {
    const appRing = keyring([["k5", K5], ["k4", K4]]);
    const ids: string[] = [];
    const inputs = new Map<string, ReturnType<typeof person>>();
    await withAppKeyring(keyring([["k4", K4]]), async () => {
      for (let i = 0; i < 120; i++) {
        const input = person(i);
        const { id } = await createMember(club.actors.ADMIN, input);
        ids.push(id);
        inputs.set(id, input);
      }
    });
    const latest = new Map<string, string>();
    await withAppKeyring(appRing, async () => {
      let rotating = true;
      const rotation = rotateKeys({ keyring: appRing, batchSize: 5 }).finally(() => (rotating = false));
      // Edits race the rotation until it ends, cycling through the rows.
      for (let n = 0; rotating || n < 20; n++) {
        const id = ids[(n * 37) % ids.length]!;
        const phone = `+2547${String(10_000_000 + n).padStart(8, "0")}`;
        await updateMember(club.actors.ADMIN, { id, ...inputs.get(id), phone });
        latest.set(id, phone);
      }
      const report = await rotation;
      expect(report.failures).toEqual([]);
      expect(report.remaining).toBe(0);
    });
    expect(latest.size).toBeGreaterThan(10);
    await withAppKeyring(keyring([["k5", K5]]), async () => {
      for (const id of ids) expect((await getMember(club.actors.ADMIN, id)).phone).toBe(latest.get(id) ?? inputs.get(id)!.phone);
    });
  });

  test("[B2.1] a killed keys:rotate loses nothing, and running it again finishes the job", async () => {
    const everything = async (ring: Keyring) => {
      const client = connect(env().platformDatabaseUrl, ring);
      try {
        return await client.member.findMany({ orderBy: { id: "asc" }, select: { id: true, nin: true, bvn: true, phone: true, email: true, dateOfBirth: true, address: true } });
      } finally {
        await client.$disconnect();
      }
    };
    const before = await everything(keyring([["k5", K5]]));
    expect(before.length).toBeGreaterThan(100);
    const rotation: [string, string][] = [["k6", K6], ["k5", K5]];

    const killed = await command("keys-rotate", ["--batch-size", "1"], rotation, {
      onLine: (line, kill) => {
        if (line.startsWith("keys:rotate: Member 1/")) kill();
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    const partly = (await owner.query<{ key_id: string; n: number }>(`SELECT split_part(nin, '.', 2) AS key_id, count(*)::int AS n FROM member GROUP BY 1`)).rows;
    expect(partly.find((r) => r.key_id === "k6")?.n).toBeGreaterThan(0);
    expect(partly.find((r) => r.key_id === "k5")?.n).toBeGreaterThan(0);
    expect(await everything(keyring(rotation))).toEqual(before);

    const rerun = await command("keys-rotate", [], rotation);
    expect(rerun.code).toBe(0);
    for (const [column, ids] of Object.entries(await storedKeyIds())) expect(ids, column).toEqual(["k6"]);
    expect(await everything(keyring([["k6", K6]]))).toEqual(before);
  });
});

describe("the other keys", () => {
  test("[B2.1] keys:rotate --new-key prints an entry the keyring accepts; nothing else happens", async () => {
    const { code, stdout } = await command("keys-rotate", ["--new-key", "k7"], [["k6", K6]]);
    expect(code).toBe(0);
    const entry = stdout.trim();
    expect(entry).toMatch(/^k7:[A-Za-z0-9+/]{43}=$/);
    expect(parseKeyring({ FIELD_ENCRYPTION_KEYS: `${entry},k6:${K6}`, BLIND_INDEX_KEY: newKey() }).currentKeyId).toBe("k7");
    for (const [column, ids] of Object.entries(await storedKeyIds())) expect(ids, column).toEqual(["k6"]);
  });

  test("[B2.1] a new BLIND_INDEX_KEY: keys:reindex --all recomputes every blind index from the decrypted value; a second run finds nothing to do", async () => {
    const blind = newKey();
    const run = await command("keys-reindex", ["--all", "--batch-size", "50"], [["k6", K6]], { blindIndexKey: blind });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Member\.ninIndex: \d+ blind index\(es\) recomputed/);
    expect(run.stdout).toMatch(/Payment\.mpesaReceiptIndex: 2 blind index\(es\) recomputed/);

    const ring = keyring([["k6", K6]], blind);
    const client = connect(env().platformDatabaseUrl, ring);
    try {
      const members = await client.member.findMany({ select: { organizationId: true, nin: true, ninIndex: true, phone: true, phoneIndex: true, email: true, emailIndex: true } });
      expect(members.length).toBeGreaterThan(100);
      for (const m of members) {
        expect(m.ninIndex).toBe(m.nin && computeBlindIndex(ring, m.organizationId, "nin", m.nin));
        expect(m.phoneIndex).toBe(m.phone && computeBlindIndex(ring, m.organizationId, "phone", m.phone));
        expect(m.emailIndex).toBe(m.email && computeBlindIndex(ring, m.organizationId, "email", m.email));
      }
    } finally {
      await client.$disconnect();
    }
    const again = await command("keys-reindex", ["--all"], [["k6", K6]], { blindIndexKey: blind });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("recomputed");
  });
});

describe("a database from before encryption", () => {
  test("[M2.4] plaintext left in member email and phone is reported by keys:rotate, and encrypted in place with --adopt-plaintext", async () => {
    const CHECK = `'^v1\\.[A-Za-z0-9-]{1,32}\\.[A-Za-z0-9_-]{38,}$'`;
    // What an old database looks like: the columns' CHECKs were added NOT VALID over existing plaintext.
    await owner.query(`ALTER TABLE member DROP CONSTRAINT member_email_ciphertext, DROP CONSTRAINT member_phone_ciphertext`);
    const { rows } = await owner.query<{ id: string }>(
      `INSERT INTO member (id, organization_id, first_name, last_name, email, phone, updated_at)
       VALUES (gen_random_uuid(), $1, 'Legacy', 'Member', 'Legacy.Member@Example.ng', '+254 700 000 777', now()) RETURNING id`,
      [club.id],
    );
    await owner.query(`ALTER TABLE member ADD CONSTRAINT member_email_ciphertext CHECK (email ~ ${CHECK}) NOT VALID, ADD CONSTRAINT member_phone_ciphertext CHECK (phone ~ ${CHECK}) NOT VALID`);
    const id = rows[0]!.id;
    const ring = keyring([["k6", K6]]);

    const refused = await rotateKeys({ keyring: ring });
    expect(refused.failures).toEqual([
      { model: "Member", field: "phone", rowId: id, reason: "malformed", keyId: null },
      { model: "Member", field: "email", rowId: id, reason: "malformed", keyId: null },
    ]);
    expect(refused.remaining).toBe(2);

    const adopted = await rotateKeys({ keyring: ring, adoptPlaintext: true });
    expect(adopted).toMatchObject({ failures: [], remaining: 0, rotated: { "Member.email": 1, "Member.phone": 1 } });
    const stored = (await owner.query(`SELECT email, phone, email_index, phone_index FROM member WHERE id = $1`, [id])).rows[0];
    expect(stored.email).toMatch(/^v1\.k6\./);
    expect(stored.email_index).toBe(computeBlindIndex(ring, club.id, "email", "legacy.member@example.ng"));
    expect(stored.phone_index).toBe(computeBlindIndex(ring, club.id, "phone", "+254700000777"));
    await withAppKeyring(ring, async () => expect(await getMember(club.actors.ADMIN, id)).toMatchObject({ email: "Legacy.Member@Example.ng", phone: "+254 700 000 777" }));
    // No plaintext is left, so the CHECKs can now be validated over every row.
    await owner.query(`ALTER TABLE member VALIDATE CONSTRAINT member_email_ciphertext, VALIDATE CONSTRAINT member_phone_ciphertext`);
  });
});
