import path from "node:path";
import { localObjectStore } from "./local";
import type { ObjectStore } from "./object-store";

export { ObjectExistsError, type ObjectInfo, type ObjectStore } from "./object-store";

export type StorageSource = { STORAGE_DIR?: string; HARAMBEE_DATA_DIR?: string };

/** The directory objects go to: STORAGE_DIR, else "storage" beside the embedded database's data. */
export function storageRoot(source: StorageSource): string {
  return path.resolve(source.STORAGE_DIR || path.join(source.HARAMBEE_DATA_DIR || ".data", "storage"));
}

/** The configured store. Only the local directory exists today; an S3-compatible driver plugs in here. */
export function objectStore(source: StorageSource = { STORAGE_DIR: process.env.STORAGE_DIR, HARAMBEE_DATA_DIR: process.env.HARAMBEE_DATA_DIR }): ObjectStore {
  return localObjectStore(storageRoot(source));
}
