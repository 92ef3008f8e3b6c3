import { randomBytes } from "node:crypto";
import { ObjectExistsError, type ObjectStore } from "./object-store";

/**
 * Whether the store really refuses to replace an object: writes a probe key,
 * writes it again, reads it back and removes it. An S3-compatible server that
 * ignores If-None-Match takes the second write silently; this says so.
 */
export async function checkWriteOnce(store: ObjectStore): Promise<{ ok: boolean; detail: string }> {
  const key = `storage-check/${Date.now()}-${randomBytes(6).toString("hex")}.probe`;
  await store.create(key, Buffer.from("first"));
  try {
    try {
      await store.create(key, Buffer.from("second"));
    } catch (error) {
      if (error instanceof ObjectExistsError) {
        const kept = (await store.read(key)).toString() === "first";
        return kept ? { ok: true, detail: "a second write of one key is refused, and the first stays" } : { ok: false, detail: "the second write was refused, yet the object changed" };
      }
      throw error;
    }
    return { ok: false, detail: "a second write of one key was accepted: this store does not honour If-None-Match, so objects can be replaced" };
  } finally {
    await store.remove(key);
  }
}
