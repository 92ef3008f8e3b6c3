import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ObjectExistsError, objectStore, type ObjectStore } from "../lib/storage";
import { localObjectStore } from "../lib/storage/local";
import { s3ObjectStore } from "../lib/storage/s3";
import { checkWriteOnce } from "../lib/storage/write-once-check";
import { S3_CREDENTIALS, startS3Server, type S3Server } from "./support/s3-server";

const root = mkdtempSync(path.join(os.tmpdir(), "harambee-store-"));
let s3: S3Server;
let buckets = 0;
beforeAll(async () => {
  s3 = await startS3Server();
}, 60_000);
afterAll(() => {
  s3?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Each driver gets a fresh, empty store; the same promises hold for both. */
const drivers: [string, () => Promise<ObjectStore>][] = [
  ["local directory", async () => localObjectStore(mkdtempSync(path.join(root, "store-")))],
  [
    "S3-compatible bucket",
    async () => {
      const bucket = `harambee-${++buckets}`;
      await s3.createBucket(bucket);
      return objectStore(s3.env(bucket));
    },
  ],
];

describe.each(drivers)("object store: %s", (_name, fresh) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await fresh();
  });

  test("writes an object once, reads it back and lists it by prefix", async () => {
    await store.create("org-1/checkpoints/0001.jws", Buffer.from("first"));
    await store.create("org-1/checkpoints/0002.jws", Readable.from(["sec", "ond"]));
    await store.create("org-2/checkpoints/0001.jws", Buffer.from("other"));

    expect((await store.read("org-1/checkpoints/0002.jws")).toString()).toBe("second");
    const chunks: Buffer[] = [];
    for await (const chunk of store.readStream("org-1/checkpoints/0001.jws")) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("first");
    const listed = await store.list("org-1/");
    expect(listed.map((o) => [o.key, o.bytes])).toEqual([
      ["org-1/checkpoints/0001.jws", 5],
      ["org-1/checkpoints/0002.jws", 6],
    ]);
  });

  test("[M2.3] refuses to replace an object (a backup, a checkpoint), and the original stays", async () => {
    await store.create("once/a.txt", Buffer.from("original"));
    await expect(store.create("once/a.txt", Buffer.from("forged"))).rejects.toBeInstanceOf(ObjectExistsError);
    await expect(store.create("once/a.txt", Readable.from(["forged ", "by stream"]))).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await store.read("once/a.txt")).toString()).toBe("original");
  });

  test("[M2.3] of many writers racing for one key exactly one wins", async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.create("race/head.jws", Buffer.from(`writer ${i}`))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof ObjectExistsError)).toHaveLength(7);
    expect((await store.list("race/")).map((o) => o.key)).toEqual(["race/head.jws"]);
    expect((await store.read("race/head.jws")).toString()).toMatch(/^writer \d$/);
  });

  test("refuses keys that could leave its directory", async () => {
    for (const key of ["../escape", "a/../../b", "/etc/passwd", "a//b", "", ".hidden", "a/./b"]) {
      await expect(store.create(key, Buffer.from("x")), key).rejects.toThrow(/invalid object key/);
    }
  });

  test("a missing object reads as ENOENT, by buffer and by stream", async () => {
    await expect(store.read("nowhere/x.bin")).rejects.toMatchObject({ code: "ENOENT" });
    const drained = (async () => {
      for await (const chunk of store.readStream("nowhere/x.bin")) void chunk;
    })();
    await expect(drained).rejects.toMatchObject({ code: "ENOENT" });
  });

  test("removes an object, and removing a missing one is not an error", async () => {
    await store.create("gone/x.bin", Buffer.from("x"));
    await store.remove("gone/x.bin");
    await store.remove("gone/x.bin");
    expect(await store.list("gone/")).toEqual([]);
  });

  test("an empty object is an object", async () => {
    await store.create("empty/zero.bin", Readable.from([]));
    expect(await store.list("empty/")).toMatchObject([{ key: "empty/zero.bin", bytes: 0 }]);
    expect((await store.read("empty/zero.bin")).length).toBe(0);
  });

  test("an empty store lists nothing", async () => {
    const empty = await fresh();
    expect(await empty.list("")).toEqual([]);
    expect(await empty.folders("")).toEqual([]);
  });

  test("lists the folders one level under a prefix, without walking into them", async () => {
    for (const key of ["tree/0002/b/x.jws", "tree/0002/a/x.jws", "tree/0010/c/x.jws", "tree/top.jws", "treetop/0001/x.jws"]) await store.create(key, Buffer.from("x"));
    expect(await store.folders("tree/")).toEqual(["0002", "0010"]);
    expect(await store.folders("tree/0002/")).toEqual(["a", "b"]);
    expect(await store.folders("tree/0002/a/")).toEqual([]);
    expect(await store.folders("nowhere/")).toEqual([]);
  });

  test("npm run storage:check's probe finds it write-once, and leaves nothing behind", async () => {
    expect(await checkWriteOnce(store)).toEqual({ ok: true, detail: "a second write of one key is refused, and the first stays" });
    expect(await store.list("storage-check/")).toEqual([]);
  });
});

describe("local object store", () => {
  test("a lost race leaves no temp file behind", async () => {
    const dir = mkdtempSync(path.join(root, "race-"));
    const store = localObjectStore(dir);
    await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.create("race/head.jws", Buffer.from(`writer ${i}`))));
    expect(readdirSync(path.join(dir, "race"))).toEqual(["head.jws"]);
  });
});

describe("S3-compatible object store", () => {
  const partBytes = 5 * 1024 * 1024;
  const big = Buffer.alloc(2 * partBytes + 12_345);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  const inChunks = () => Readable.from(Array.from({ length: Math.ceil(big.length / 65_536) }, (_, i) => big.subarray(i * 65_536, (i + 1) * 65_536)));
  let store: ObjectStore;
  const bucket = "harambee-parts";
  beforeAll(async () => {
    await s3.createBucket(bucket);
    store = s3ObjectStore({ bucket, prefix: "deploy-a/", endpoint: s3.endpoint, region: "us-east-1", credentials: S3_CREDENTIALS, partBytes });
  });

  test("a large stream goes up in parts, reads back whole, and is still written once", async () => {
    expect(await store.create("backups/big.dump.age", inChunks())).toEqual({ bytes: big.length });
    expect((await store.read("backups/big.dump.age")).equals(big)).toBe(true);
    await expect(store.create("backups/big.dump.age", inChunks())).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await store.read("backups/big.dump.age")).equals(big)).toBe(true);
    // The refused upload was aborted, not left holding parts in the bucket.
    expect((await s3.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).toEqual([]);
  });

  test("keys live under the deployment's prefix, and listing strips it", async () => {
    const { Contents } = await s3.client.send(new (await import("@aws-sdk/client-s3")).ListObjectsV2Command({ Bucket: bucket }));
    expect(Contents?.map((o) => o.Key)).toEqual(["deploy-a/backups/big.dump.age"]);
    expect((await store.list("backups/")).map((o) => o.key)).toEqual(["backups/big.dump.age"]);
    expect(store.describe()).toBe("s3://harambee-parts/deploy-a");
  });
});
