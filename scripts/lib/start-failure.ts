import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";

/**
 * A fault at start the user can fix. Its message is the one line `npm start`
 * ends with: the cause, then the fix.
 */
export class StartFailure extends Error {
  override name = "StartFailure";
}

/** The line `npm start` ends with for any error: a StartFailure as it is, a file-system fault named, anything else in one line. */
export function startFailureLine(error: unknown): string {
  if (error instanceof StartFailure) return error.message;
  const fileFault = fileSystemFailure(error);
  if (fileFault) return fileFault.message;
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n").find((line) => line.trim()) ?? "unknown error";
  return `${first.trim()} (unexpected; the lines above may say more)`;
}

/** The OS user that owns a path, by name where the system knows it. */
export function ownerOf(target: string): string {
  try {
    const { uid } = statSync(target);
    const name = spawnSync("id", ["-nu", String(uid)], { encoding: "utf8" }).stdout.trim();
    return name || `uid ${uid}`;
  } catch {
    return "unknown";
  }
}

/** Whoever runs this process, by name. */
export function currentUser(): string {
  return process.env.USER || spawnSync("id", ["-nu"], { encoding: "utf8" }).stdout.trim() || `uid ${process.getuid?.()}`;
}

/** Where data goes on a full disk: the same fix wherever the write failed. */
export function diskFull(dir: string, during: string): StartFailure {
  return new StartFailure(
    `the disk holding ${dir} is full (no space left on device while ${during}): free some space there, or set HARAMBEE_DATA_DIR to a directory on another disk`,
  );
}

/** Node's own file errors (mkdir, writing secrets.json) carry a code and the path they failed on. */
function fileSystemFailure(error: unknown): StartFailure | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  const { code } = error as NodeJS.ErrnoException;
  const target = (error as NodeJS.ErrnoException).path;
  if (!target) return undefined;
  if (code === "ENOSPC") return diskFull(path.dirname(target), `writing ${target}`);
  if (code === "EROFS") return new StartFailure(`${target} is on a read-only file system: set HARAMBEE_DATA_DIR to a writable directory`);
  if (code === "EACCES" || code === "EPERM") {
    const existing = nearestExisting(target);
    const owner = ownerOf(existing);
    const me = currentUser();
    const why = owner === me ? `${existing} is not writable (chmod u+w ${existing})` : `${existing} belongs to ${owner} and npm start runs as ${me}: run it as ${owner}`;
    return new StartFailure(`cannot write ${target}: ${why}, or set HARAMBEE_DATA_DIR to a directory you can write`);
  }
  return undefined;
}

function nearestExisting(target: string): string {
  let current = target;
  while (current !== path.dirname(current)) {
    try {
      statSync(current);
      return current;
    } catch {
      current = path.dirname(current);
    }
  }
  return current;
}
