import type { Readable } from "node:stream";

/**
 * Where files that must live outside the database go: audit checkpoints,
 * backups, uploads. Objects are written once and never replaced, so a record
 * already written cannot be swapped for another through this interface.
 */
export type ObjectInfo = { key: string; bytes: number; modifiedAt: Date };

export interface ObjectStore {
  /** Where the objects live, for messages (a directory, a bucket). */
  describe(): string;
  /** Writes a new object; throws ObjectExistsError when the key is taken. */
  create(key: string, body: Buffer | Readable): Promise<{ bytes: number }>;
  /** Rejects with code "ENOENT" when the key is missing (as a file read does). */
  read(key: string): Promise<Buffer>;
  /** The stream errors with code "ENOENT" when the key is missing. */
  readStream(key: string): Readable;
  /** Every object whose key starts with the prefix, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** The names of the folders directly under `prefix` (a folder, ending in "/"), in order: one level, not their contents. */
  folders(prefix: string): Promise<string[]>;
  /** Deletes an object (retention pruning); a missing one is not an error. */
  remove(key: string): Promise<void>;
}

export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`object ${key} already exists`);
    this.name = "ObjectExistsError";
  }
}

/** The error a read of a missing object gives, whatever the driver: the one a missing file gives. */
export function missingObject(key: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`object ${key} does not exist`), { code: "ENOENT" });
}

/** Keys are "/"-separated segments of letters, digits, dot, dash and underscore; no segment may be "." or "..". */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function checkKey(key: string): string {
  const segments = key.split("/");
  if (!key || segments.some((s) => !SEGMENT.test(s))) throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  return key;
}
