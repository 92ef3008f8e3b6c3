/**
 * `npm run bench:crypto` — what field encryption costs (promises M2.4, B2.1).
 *
 * 1. encrypt + decrypt round trips per second of one field value, 16 bytes and
 *    2 KB, through lib/crypto/cipher.ts; the peer is bare AES-256-GCM on the
 *    same bytes (no envelope, associated data or base64), in the same run.
 * 2. 10,000 member creates through the service layer (createMember: authorize,
 *    validate, NIN/BVN duplicate check, tenant transaction, audit entry) with
 *    all six member fields filled, with the field-encryption extension and
 *    without it, on a fresh embedded PostgreSQL. "Off" is the same service
 *    path on an app-role client without the extension, writing the same values
 *    as plaintext; so that the database accepts them, this benchmark's own
 *    database drops the CHECKs that admit only ciphertext (for both runs).
 *    The two alternate in blocks of 500 (each taking turns to go first) so
 *    machine load hits both alike.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import pg from "pg";
import { withBenchDatabase } from "./bench-database";

const MEMBERS = 10_000;
const BLOCK = 500;
const SECONDS_PER_SIZE = 2;


async function main() {
  await withBenchDatabase(async (ownerUrl) => {
    await roundTrips();
    await dropCiphertextChecks(ownerUrl);
    await memberCreates();
  });
}

function rate(fn: () => void): number {
  for (let i = 0; i < 2_000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(SECONDS_PER_SIZE * 1e9);
  let now = start;
  while (now < until) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

async function roundTrips() {
  const { env } = await import("../lib/env");
  const { decryptField, encryptField } = await import("../lib/crypto/cipher");
  const keyring = env().keyring;
  const key = keyring.keys.get(keyring.currentKeyId)!;
  const context = { model: "Member", field: "address", rowId: "5d0f4e5e-3f7a-4c1e-9a43-3b1b1f0b2c11" };
  console.log("encrypt + decrypt, one value (round trips per second)");
  console.log("size      field cipher   bare AES-256-GCM (peer)   ratio");
  for (const [label, bytes] of [["16 B", 16], ["2 KB", 2048]] as const) {
    const text = "x".repeat(bytes);
    const ours = rate(() => {
      decryptField(keyring, encryptField(keyring, text, context), context);
    });
    const bare = rate(() => {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAuthTag(cipher.getAuthTag());
      Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    });
    console.log(`${label.padEnd(8)} ${Math.round(ours).toLocaleString("en").padStart(12)}/s   ${Math.round(bare).toLocaleString("en").padStart(12)}/s   ${(bare / ours).toFixed(2)}× slower`);
  }
}

async function dropCiphertextChecks(ownerUrl: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ conname: string }>(
      `SELECT conname FROM pg_constraint WHERE conrelid = 'member'::regclass AND contype = 'c' AND conname LIKE '%\\_ciphertext'`,
    );
    for (const { conname } of rows) await client.query(`ALTER TABLE member DROP CONSTRAINT ${client.escapeIdentifier(conname)}`);
  } finally {
    await client.end();
  }
}

async function memberCreates() {
  const { env } = await import("../lib/env");
  const { appDb, connect, swapAppDb } = await import("../lib/db/clients");
  const { memberActor } = await import("../lib/authz/actor");
  const { addPersonToOrganization, createOrganization } = await import("../lib/services/organizations");
  const { createMember } = await import("../lib/services/members");

  const system = (await import("../lib/authz/actor")).platformSystemActor("bench", ["platform:provision"]);
  const admin = async (slug: string) => {
    const org = await createOrganization(system, { slug, name: slug, kind: "CLUB" });
    const email = `admin@${slug}.test`;
    const { userId } = await addPersonToOrganization(system, { organizationId: org.id, email, name: "Admin", password: randomBytes(12).toString("hex"), role: "ADMIN" });
    return memberActor({ organizationId: org.id, userId, email, role: "ADMIN", ip: null });
  };
  const encrypted = appDb();
  const plain = connect(env().appDatabaseUrl, null);
  const modes = { off: { actor: await admin("bench-off"), client: plain, ms: 0 }, on: { actor: await admin("bench-on"), client: encrypted, ms: 0 } };

  let serial = 0;
  const member = () => {
    serial++;
    const n = String(serial).padStart(7, "0");
    return {
      firstName: "Adaeze",
      lastName: `Obi${n}`,
      email: `adaeze.${n}@example.ng`,
      phone: `+234803${n}`,
      nin: `7${n}111`,
      bvn: `2${n}222`,
      dateOfBirth: "1990-01-31",
      address: `${serial} Allen Avenue, Ikeja, Lagos`,
    };
  };
  for (let done = 0; done < MEMBERS; done += BLOCK) {
    // Which mode goes first alternates too, so neither always runs on a warmer cache.
    const order = (done / BLOCK) % 2 === 0 ? [modes.off, modes.on] : [modes.on, modes.off];
    for (const mode of order) {
      swapAppDb(mode.client);
      const start = process.hrtime.bigint();
      for (let i = 0; i < BLOCK; i++) await createMember(mode.actor, member());
      mode.ms += Number(process.hrtime.bigint() - start) / 1e6;
    }
    process.stdout.write(`\rmember creates: ${(done + BLOCK).toLocaleString("en")} of ${MEMBERS.toLocaleString("en")} per mode`);
  }
  swapAppDb(encrypted);
  await plain.$disconnect();
  const perSecond = (ms: number) => Math.round(MEMBERS / (ms / 1000)).toLocaleString("en");
  console.log(`\n\n${MEMBERS.toLocaleString("en")} member creates through the service layer, six encrypted fields each`);
  console.log(`encryption off (peer): ${(modes.off.ms / 1000).toFixed(1)} s, ${perSecond(modes.off.ms)}/s, ${(modes.off.ms / MEMBERS).toFixed(2)} ms each`);
  console.log(`encryption on:         ${(modes.on.ms / 1000).toFixed(1)} s, ${perSecond(modes.on.ms)}/s, ${(modes.on.ms / MEMBERS).toFixed(2)} ms each`);
  console.log(`ratio on/off: ${(modes.on.ms / modes.off.ms).toFixed(2)}× (goal ≤ 1.3×)`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
