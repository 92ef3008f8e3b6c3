import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { ObjectExistsError } from "../lib/storage";
import { localObjectStore } from "../lib/storage/local";

const root = mkdtempSync(path.join(os.tmpdir(), "harambee-store-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("local object store", () => {
  const store = localObjectStore(root);

  test("writes an object once, reads it back and lists it by prefix", async () => {
    await store.create("org-1/checkpoints/0001.jws", Buffer.from("first"));
    await store.create("org-1/checkpoints/0002.jws", Readable.from(["sec", "ond"]));
    await store.create("org-2/checkpoints/0001.jws", Buffer.from("other"));

    expect((await store.read("org-1/checkpoints/0002.jws")).toString()).toBe("second");
    const listed = await store.list("org-1/");
    expect(listed.map((o) => [o.key, o.bytes])).toEqual([
      ["org-1/checkpoints/0001.jws", 5],
      ["org-1/checkpoints/0002.jws", 6],
    ]);
  });

  test("refuses to replace an object, and the original stays", async () => {
    await store.create("once/a.txt", Buffer.from("original"));
    await expect(store.create("once/a.txt", Buffer.from("forged"))).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await store.read("once/a.txt")).toString()).toBe("original");
  });

  test("of many writers racing for one key exactly one wins, and no temp file is left", async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.create("race/head.jws", Buffer.from(`writer ${i}`))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && r.reason instanceof ObjectExistsError)).toHaveLength(7);
    expect(readdirSync(path.join(root, "race"))).toEqual(["head.jws"]);
  });

  test("refuses keys that could leave its directory", async () => {
    for (const key of ["../escape", "a/../../b", "/etc/passwd", "a//b", "", ".hidden", "a/./b"]) {
      await expect(store.create(key, Buffer.from("x")), key).rejects.toThrow(/invalid object key/);
    }
  });

  test("removes an object, and removing a missing one is not an error", async () => {
    await store.create("gone/x.bin", Buffer.from("x"));
    await store.remove("gone/x.bin");
    await store.remove("gone/x.bin");
    expect(await store.list("gone/")).toEqual([]);
  });

  test("an empty store lists nothing", async () => {
    expect(await localObjectStore(path.join(root, "never-written")).list("")).toEqual([]);
  });
});
