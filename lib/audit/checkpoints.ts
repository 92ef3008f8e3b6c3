import type { KeyObject } from "node:crypto";
import { CompactSign, compactVerify } from "jose";
import { z } from "zod";
import type { CheckpointSigner } from "../crypto/checkpoint-key";
import type { ObjectStore } from "../storage";
import type { ChainHead } from "./verify";

/**
 * Signed checkpoints: a chain's head (seq and hash) at a time, as a compact
 * JWS signed with Ed25519, written once to the object store outside the
 * database. A later chain that is shorter, or whose entry at that seq hashes
 * differently, was cut or rewritten; without the signing key nobody can write
 * a checkpoint that verifies.
 *
 * Objects: audit-checkpoints/<chain>/<s[0:11]>/<s[11:14]>/<s[14:17]>/<s>.jws,
 * where s is the seq in 20 zero-padded digits and the chain the organisation's
 * id or "platform": folders of a thousand seqs, in folders of a thousand
 * folders, so key order is seq order and no folder holds more than a thousand
 * names however many checkpoints pile up (one a minute per active chain).
 * The newest is found by walking down the last folder of each level (a few
 * small listings), not by listing the chain. There is no "latest" pointer: the
 * store is write-once, so a pointer could not move, and the walk costs as little.
 * Before this layout the objects were audit-checkpoints/<chain>/<s>.jws; those
 * still verify, and are looked at when the chain has no checkpoint in folders.
 */
export type Checkpoint = ChainHead & { chain: string; at: Date };

export const CHECKPOINT_PREFIX = "audit-checkpoints";
const JWS_TYPE = "harambee-audit-checkpoint+jws";

export const chainOf = (organizationId: string | null) => organizationId ?? "platform";

export function checkpointObjectKey(chain: string, seq: bigint): string {
  const s = seq.toString().padStart(20, "0");
  return `${CHECKPOINT_PREFIX}/${chain}/${s.slice(0, 11)}/${s.slice(11, 14)}/${s.slice(14, 17)}/${s}.jws`;
}

/** The flat name checkpoints had before the folders. */
const legacyObjectKey = (chain: string, seq: bigint) => `${CHECKPOINT_PREFIX}/${chain}/${seq.toString().padStart(20, "0")}.jws`;

const FOLDER_LEVELS = [/^\d{11}$/, /^\d{3}$/, /^\d{3}$/];

const payloadSchema = z.object({
  chain: z.string().min(1),
  seq: z.string().regex(/^[1-9]\d*$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
});

export async function signCheckpoint(signer: CheckpointSigner, checkpoint: Checkpoint): Promise<string> {
  const payload = { chain: checkpoint.chain, seq: checkpoint.seq.toString(), hash: checkpoint.hash, at: checkpoint.at.toISOString() };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", kid: signer.keyId, typ: JWS_TYPE })
    .sign(signer.privateKey);
}

export class InvalidCheckpointError extends Error {}

/**
 * The checkpoint a JWS holds, once its signature verifies under one of the
 * public keys (by `kid`) and it names the chain and seq its object key says:
 * a valid checkpoint copied under another name or chain is refused too.
 */
export async function openCheckpoint(jws: string, verifyKeys: ReadonlyMap<string, KeyObject>, objectKey: string): Promise<Checkpoint> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws.trim(), async (header) => {
      const key = header.kid ? verifyKeys.get(header.kid) : undefined;
      if (!key || header.typ !== JWS_TYPE) throw new InvalidCheckpointError(`signed by an unknown key (kid ${header.kid ?? "none"})`);
      return key;
    }, { algorithms: ["EdDSA"] }));
  } catch (error) {
    throw error instanceof InvalidCheckpointError ? error : new InvalidCheckpointError("invalid signature");
  }
  const parsed = payloadSchema.safeParse(parseJson(new TextDecoder().decode(payload)));
  if (!parsed.success) throw new InvalidCheckpointError("signed, but not a checkpoint");
  const checkpoint = { chain: parsed.data.chain, seq: BigInt(parsed.data.seq), hash: parsed.data.hash, at: new Date(parsed.data.at) };
  if (checkpointObjectKey(checkpoint.chain, checkpoint.seq) !== objectKey && legacyObjectKey(checkpoint.chain, checkpoint.seq) !== objectKey) throw new InvalidCheckpointError(`signed for ${checkpoint.chain} #${checkpoint.seq}, stored elsewhere`);
  return checkpoint;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export type LatestCheckpoint = {
  /** The newest checkpoint whose signature verifies, or null when the chain has none. */
  checkpoint: (Checkpoint & { objectKey: string }) | null;
  /** Newer objects that did not verify, newest first: each is itself a finding. */
  invalid: { objectKey: string; problem: string }[];
};

/** The leaf folders of a chain's checkpoints, newest first, found level by level (each listing one level only). */
async function* leafFoldersNewestFirst(store: ObjectStore, prefix: string, level = 0): AsyncGenerator<string> {
  if (level === FOLDER_LEVELS.length) {
    yield prefix;
    return;
  }
  const names = (await store.folders(prefix)).filter((name) => FOLDER_LEVELS[level]!.test(name));
  for (const name of names.reverse()) yield* leafFoldersNewestFirst(store, `${prefix}${name}/`, level + 1);
}

/**
 * Walks a chain's checkpoints from the newest and stops at the first that
 * verifies: the newest leaf folder's objects first, then older folders only
 * while none verifies; then the flat objects of the layout before the folders.
 */
export async function latestCheckpoint(store: ObjectStore, chain: string, verifyKeys: ReadonlyMap<string, KeyObject>): Promise<LatestCheckpoint> {
  const invalid: LatestCheckpoint["invalid"] = [];
  const chainPrefix = `${CHECKPOINT_PREFIX}/${chain}/`;
  async function firstValid(keys: string[]): Promise<LatestCheckpoint["checkpoint"]> {
    for (const key of keys.reverse()) {
      try {
        return { ...(await openCheckpoint((await store.read(key)).toString("utf8"), verifyKeys, key)), objectKey: key };
      } catch (error) {
        if (!(error instanceof InvalidCheckpointError)) throw error;
        invalid.push({ objectKey: key, problem: error.message });
      }
    }
    return null;
  }
  for await (const folder of leafFoldersNewestFirst(store, chainPrefix)) {
    const found = await firstValid((await store.list(folder)).map((o) => o.key));
    if (found) return { checkpoint: found, invalid };
  }
  const flat = (await store.list(chainPrefix)).map((o) => o.key).filter((key) => !key.slice(chainPrefix.length).includes("/"));
  return { checkpoint: await firstValid(flat), invalid };
}
