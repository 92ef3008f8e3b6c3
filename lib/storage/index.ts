import path from "node:path";
import { localObjectStore } from "./local";
import type { ObjectStore } from "./object-store";
import { s3ObjectStore, type S3Settings } from "./s3";

export { ObjectExistsError, type ObjectInfo, type ObjectStore } from "./object-store";

/**
 * The variables that choose the store (the environment, or a part of it):
 * STORAGE_S3_BUCKET with STORAGE_S3_PREFIX, _ENDPOINT, _REGION, _ACCESS_KEY_ID and
 * _SECRET_ACCESS_KEY; else STORAGE_DIR and HARAMBEE_DATA_DIR.
 */
export type StorageSource = { readonly [name: string]: string | undefined };

/** The directory objects go to: STORAGE_DIR, else "storage" beside the embedded database's data. */
export function storageRoot(source: StorageSource): string {
  return path.resolve(source.STORAGE_DIR || path.join(source.HARAMBEE_DATA_DIR || ".data", "storage"));
}

function s3Settings(bucket: string, source: StorageSource): S3Settings {
  const prefix = (source.STORAGE_S3_PREFIX ?? "").replace(/^\/+|\/+$/g, "");
  const { STORAGE_S3_ACCESS_KEY_ID: accessKeyId, STORAGE_S3_SECRET_ACCESS_KEY: secretAccessKey } = source;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new Error("set both STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY, or neither");
  return {
    bucket,
    prefix: prefix ? `${prefix}/` : "",
    endpoint: source.STORAGE_S3_ENDPOINT || undefined,
    region: source.STORAGE_S3_REGION || "us-east-1",
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}

const opened = new Map<string, ObjectStore>();

/**
 * The configured store: an S3-compatible bucket when STORAGE_S3_BUCKET is set,
 * else a local directory. One store (and one S3 connection pool) per configuration per process.
 */
export function objectStore(source: StorageSource = process.env): ObjectStore {
  const s3 = source.STORAGE_S3_BUCKET ? s3Settings(source.STORAGE_S3_BUCKET, source) : null;
  const id = JSON.stringify(s3 ?? storageRoot(source));
  let store = opened.get(id);
  if (!store) opened.set(id, (store = s3 ? s3ObjectStore(s3) : localObjectStore(storageRoot(source))));
  return store;
}
