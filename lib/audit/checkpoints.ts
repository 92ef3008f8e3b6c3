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
 * Objects: audit-checkpoints/<chain>/<seq, 20 digits>.jws, where the chain is
 * the organisation's id or "platform". The zero-padded seq makes key order
 * seq order, so the newest checkpoint is the last key.
 */
export type Checkpoint = ChainHead & { chain: string; at: Date };

export const CHECKPOINT_PREFIX = "audit-checkpoints";
const JWS_TYPE = "harambee-audit-checkpoint+jws";

export const chainOf = (organizationId: string | null) => organizationId ?? "platform";

export const checkpointObjectKey = (chain: string, seq: bigint) => `${CHECKPOINT_PREFIX}/${chain}/${seq.toString().padStart(20, "0")}.jws`;

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
  if (checkpointObjectKey(checkpoint.chain, checkpoint.seq) !== objectKey) throw new InvalidCheckpointError(`signed for ${checkpoint.chain} #${checkpoint.seq}, stored elsewhere`);
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

/** Walks a chain's checkpoints from the newest and stops at the first that verifies. */
export async function latestCheckpoint(store: ObjectStore, chain: string, verifyKeys: ReadonlyMap<string, KeyObject>): Promise<LatestCheckpoint> {
  const objects = await store.list(`${CHECKPOINT_PREFIX}/${chain}/`);
  const invalid: LatestCheckpoint["invalid"] = [];
  for (const { key } of objects.reverse()) {
    try {
      const checkpoint = await openCheckpoint((await store.read(key)).toString("utf8"), verifyKeys, key);
      return { checkpoint: { ...checkpoint, objectKey: key }, invalid };
    } catch (error) {
      if (!(error instanceof InvalidCheckpointError)) throw error;
      invalid.push({ objectKey: key, problem: error.message });
    }
  }
  return { checkpoint: null, invalid };
}
