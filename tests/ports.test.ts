import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { embeddedPostgresPort, freePort, portIsFree, portSetting, rememberedPostgresPort, rememberPostgresPort } from "../scripts/lib/ports";
import { StartFailure } from "../scripts/lib/start-failure";
import { holdPort } from "./support/start-script";

/**
 * The embedded PostgreSQL's port (scripts/lib/ports.ts): EMBEDDED_PG_PORT when
 * set, else one chosen free and remembered beside the data directory, so two
 * checkouts never want the same port and one checkout keeps its own.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-ports-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("the embedded PostgreSQL's port", () => {
  test("without EMBEDDED_PG_PORT or a remembered port, a free one is chosen", async () => {
    const chosen = await embeddedPostgresPort(dataDir(), undefined);
    expect(chosen.setting).toBeUndefined();
    expect(chosen.note).toBeUndefined();
    expect(await portIsFree(chosen.port)).toBe(true);
  });

  test("a remembered port that is free is used again", async () => {
    const dir = dataDir();
    const port = await freePort();
    rememberPostgresPort(dir, port);
    expect(readFileSync(path.join(dir, "postgres.port"), "utf8")).toBe(`${port}\n`);
    expect(await embeddedPostgresPort(dir, undefined)).toEqual({ port });
  });

  test("a remembered port another program holds is given up for a free one, and the start says so", async () => {
    const dir = dataDir();
    const held = await holdPort();
    cleanups.push(held.release);
    rememberPostgresPort(dir, held.port);
    const chosen = await embeddedPostgresPort(dir, undefined);
    expect(chosen.port).not.toBe(held.port);
    expect(await portIsFree(chosen.port)).toBe(true);
    expect(chosen.note).toBe(`port ${held.port}, remembered for this data directory, is in use by another program; PostgreSQL moves to ${chosen.port}`);
    // Only a start that succeeds remembers the new one (start.ts).
    expect(rememberedPostgresPort(dir)).toBe(held.port);
  });

  test("EMBEDDED_PG_PORT wins over the remembered port, and is refused, not replaced, when busy", async () => {
    const dir = dataDir();
    rememberPostgresPort(dir, await freePort());
    const wanted = await freePort();
    expect(await embeddedPostgresPort(dir, String(wanted))).toEqual({ port: wanted, setting: "EMBEDDED_PG_PORT" });

    const held = await holdPort();
    cleanups.push(held.release);
    await expect(embeddedPostgresPort(dir, String(held.port))).rejects.toThrow(
      new StartFailure(
        `port ${held.port} (EMBEDDED_PG_PORT) is already in use by another program: stop that program (lsof -i :${held.port} names it), or set EMBEDDED_PG_PORT to a free port, or leave it unset and npm start picks one`,
      ),
    );
  });

  test("a port variable that is not a port number is named", () => {
    expect(() => portSetting("PORT", "30o0")).toThrow("PORT=30o0 is not a port number: set it to a number from 1024 to 65535");
    expect(() => portSetting("EMBEDDED_PG_PORT", "70000")).toThrow("EMBEDDED_PG_PORT=70000 is not a port number");
    expect(portSetting("PORT", "3000")).toBe(3000);
  });
});
