import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { checkpointObjectKey, latestCheckpoint, signCheckpoint } from "@/lib/audit/checkpoints";
import { newCheckpointKeyPair, parseCheckpointSigner, parseCheckpointVerifyKeys } from "@/lib/crypto/checkpoint-key";
import type { ObjectStore } from "@/lib/storage";
import { localObjectStore } from "@/lib/storage/local";

/**
 * Checkpoints pile up, one a minute per active chain: their layout keeps
 * finding a chain's newest one to a few small listings however many there are.
 */
const root = mkdtempSync(path.join(os.tmpdir(), "harambee-checkpoints-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pair = newCheckpointKeyPair();
const signer = parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: pair.privateKey });
const verifyKeys = parseCheckpointVerifyKeys({ AUDIT_CHECKPOINT_PUBLIC_KEYS: pair.publicKey });
const hashOf = (seq: bigint) => seq.toString(16).padStart(64, "0");

async function write(store: ObjectStore, chain: string, seq: bigint, options: { key?: string; by?: typeof signer } = {}) {
  const jws = await signCheckpoint(options.by ?? signer, { chain, seq, hash: hashOf(seq), at: new Date() });
  await store.create(options.key ?? checkpointObjectKey(chain, seq), Buffer.from(jws));
}

/** The store, counting what the walk asks of it: every name a listing returns and every object read. */
function counted(store: ObjectStore) {
  const seen = { names: 0, reads: 0, listings: [] as string[] };
  const wrapped: ObjectStore = {
    ...store,
    list: async (prefix) => {
      const found = await store.list(prefix);
      seen.names += found.length;
      seen.listings.push(prefix);
      return found;
    },
    folders: async (prefix) => {
      const found = await store.folders(prefix);
      seen.names += found.length;
      seen.listings.push(prefix);
      return found;
    },
    read: async (key) => {
      seen.reads += 1;
      return store.read(key);
    },
  };
  return { store: wrapped, seen };
}

describe("[M5.4] the checkpoint layout keeps the newest one cheap to find", () => {
  test("[M5.4] seqs go in folders of a thousand, in folders of a thousand, so key order is seq order", () => {
    expect(checkpointObjectKey("platform", 12n)).toBe("audit-checkpoints/platform/00000000000/000/000/00000000000000000012.jws");
    expect(checkpointObjectKey("org", 1_234_567_890n)).toBe("audit-checkpoints/org/00000000001/234/567/00000000001234567890.jws");
    const keys = [999n, 1_000n, 1_000_000n, 9_999_999n, 10_000_000_000n].map((seq) => checkpointObjectKey("org", seq));
    expect([...keys].sort()).toEqual(keys);
  });

  test("[M5.4] among 1,200 checkpoints the newest is found with a few small listings and one read", async () => {
    const base = localObjectStore(path.join(root, "many"));
    const seqs = [...Array.from({ length: 1_200 }, (_, i) => BigInt(i + 1)), 1_500_000n, 1_500_001n, 2_000_000_123n];
    for (const seq of seqs) await write(base, "org-a", seq);
    const { store, seen } = counted(base);
    const { checkpoint, invalid } = await latestCheckpoint(store, "org-a", verifyKeys);
    expect(checkpoint).toMatchObject({ seq: 2_000_000_123n, hash: hashOf(2_000_000_123n), objectKey: checkpointObjectKey("org-a", 2_000_000_123n) });
    expect(invalid).toEqual([]);
    expect(seen.reads).toBe(1);
    // The chain's top folder, then the last folder at each level and the leaf: not the 1,203 objects.
    expect(seen.listings).toHaveLength(4);
    expect(seen.names).toBeLessThan(10);
  });

  test("[M5.4] a newest object that does not verify is reported, and the walk goes back to the newest that does, across folders", async () => {
    const base = localObjectStore(path.join(root, "forged"));
    await write(base, "org-b", 998n);
    const other = parseCheckpointSigner({ AUDIT_CHECKPOINT_KEY: newCheckpointKeyPair().privateKey });
    await write(base, "org-b", 5_000n, { by: other });
    const { checkpoint, invalid } = await latestCheckpoint(base, "org-b", verifyKeys);
    expect(checkpoint).toMatchObject({ seq: 998n });
    expect(invalid).toEqual([{ objectKey: checkpointObjectKey("org-b", 5_000n), problem: expect.stringMatching(/signed by an unknown key/) }]);
  });

  test("[M5.4] checkpoints written flat, before the folders, still verify and are found when the chain has none in folders", async () => {
    const base = localObjectStore(path.join(root, "flat"));
    for (const seq of [3n, 7n]) await write(base, "org-c", seq, { key: `audit-checkpoints/org-c/${seq.toString().padStart(20, "0")}.jws` });
    expect((await latestCheckpoint(base, "org-c", verifyKeys)).checkpoint).toMatchObject({ seq: 7n, objectKey: "audit-checkpoints/org-c/00000000000000000007.jws" });
    await write(base, "org-c", 8n);
    expect((await latestCheckpoint(base, "org-c", verifyKeys)).checkpoint).toMatchObject({ seq: 8n, objectKey: checkpointObjectKey("org-c", 8n) });
  });

  test("[M5.4] a chain with no checkpoint has none, after two listings", async () => {
    const { store, seen } = counted(localObjectStore(path.join(root, "none")));
    expect(await latestCheckpoint(store, "org-d", verifyKeys)).toEqual({ checkpoint: null, invalid: [] });
    expect(seen.listings).toHaveLength(2);
  });
});
