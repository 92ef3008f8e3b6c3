import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { localObjectStore } from "@/lib/storage/local";
import { pruneBackups } from "../scripts/lib/backup";
import { backupStamp, dumpKey, listBackups, manifestKey } from "../scripts/lib/backup-manifest";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("[M8.2] pruning the store removes each pruned backup's dump and manifest together and leaves a dump without a manifest alone", async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "harambee-prune-"));
  const store = localObjectStore(dir);
  // 45 nightly backups ending on 29 February 2024, and a dump whose manifest was never written.
  const stamps = Array.from({ length: 45 }, (_, i) => backupStamp(new Date(Date.UTC(2024, 0, 16 + i, 3))));
  for (const stamp of stamps) {
    await store.create(dumpKey(stamp), Buffer.from("ciphertext"));
    await store.create(manifestKey(stamp), Buffer.from("{}"));
  }
  const orphan = backupStamp(new Date(Date.UTC(2024, 0, 20, 4)));
  await store.create(dumpKey(orphan), Buffer.from("half"));

  const removed = await pruneBackups(store);
  // Kept: 31 January – 29 February (30 days; 31 January is also January's copy). Removed: 16–30 January.
  expect(removed).toEqual(stamps.slice(0, 15));
  expect(await listBackups(store)).toEqual(stamps.slice(15));
  const keys = (await store.list("backups/")).map((o) => o.key);
  for (const stamp of removed) {
    expect(keys).not.toContain(dumpKey(stamp));
    expect(keys).not.toContain(manifestKey(stamp));
  }
  expect(keys).toContain(dumpKey(orphan));
  expect(keys).toHaveLength(30 * 2 + 1);
  expect(await pruneBackups(store)).toEqual([]);
});
