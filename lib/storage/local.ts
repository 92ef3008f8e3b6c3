import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, readdir, readFile, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { ObjectExistsError, checkKey, type ObjectInfo, type ObjectStore } from "./object-store";

const TEMP_PREFIX = ".tmp-";

/**
 * An object store in a local directory. A new object is written to a temp file
 * in its folder, flushed, then hard-linked to its name: link fails when the name
 * exists, so two writers of one key never both win and no reader sees half a file.
 */
export function localObjectStore(root: string): ObjectStore {
  const base = path.resolve(root);
  const fileOf = (key: string) => path.join(base, ...checkKey(key).split("/"));

  async function syncDirectory(dir: string) {
    const handle = await open(dir, "r");
    await handle.sync().finally(() => handle.close());
  }

  return {
    describe: () => base,

    async create(key, body) {
      const file = fileOf(key);
      const dir = path.dirname(file);
      await mkdir(dir, { recursive: true });
      const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
      const handle = await open(temp, "wx", 0o640);
      try {
        for await (const chunk of Buffer.isBuffer(body) ? [body] : body) await handle.write(Buffer.from(chunk as Buffer | string));
        await handle.sync();
      } catch (error) {
        await handle.close();
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      await handle.close();
      try {
        await link(temp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new ObjectExistsError(key);
        throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
      await syncDirectory(dir);
      return { bytes: (await stat(file)).size };
    },

    read: (key) => readFile(fileOf(key)),

    readStream: (key) => createReadStream(fileOf(key)),

    async list(prefix) {
      const found: ObjectInfo[] = [];
      // Walk only the folder the prefix names (up to its last "/"), not the whole store.
      const folder = prefix.slice(0, Math.max(prefix.lastIndexOf("/"), 0));
      const entries = await readdir(folder ? fileOf(folder) : base, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      });
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.startsWith(TEMP_PREFIX)) continue;
        const full = path.join(entry.parentPath, entry.name);
        const key = path.relative(base, full).split(path.sep).join("/");
        if (!key.startsWith(prefix)) continue;
        const info = await stat(full);
        found.push({ key, bytes: info.size, modifiedAt: info.mtime });
      }
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async folders(prefix) {
      const entries = await readdir(prefix ? fileOf(prefix.replace(/\/$/, "")) : base, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [];
        throw error;
      });
      return entries
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    },

    async remove(key) {
      await unlink(fileOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    },
  };
}
