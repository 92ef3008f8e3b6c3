import { existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { StartFailure } from "./start-failure";

/**
 * The ports `npm start` listens on. The web server's is the user's (PORT);
 * the embedded PostgreSQL's is EMBEDDED_PG_PORT when set, otherwise a free
 * port chosen once and remembered beside its data directory, so that two
 * checkouts run side by side and each start of one checkout finds its
 * database where it left it (`npm run outbox` reads the same file).
 */
const LOOPBACK = "127.0.0.1";

/** Whether a listener could bind `port` on `host` now: the test the servers themselves will face. */
export function portIsFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A port the system considers free on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A port number from a variable, or a StartFailure naming the variable. */
export function portSetting(name: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new StartFailure(`${name}=${value} is not a port number: set it to a number from 1024 to 65535`);
  return port;
}

/** Refuses a web port someone else holds before anything else starts. */
export async function ensureWebPortFree(port: number, host: string): Promise<void> {
  if (await portIsFree(port, host).catch(refusedPort(port, "PORT"))) return;
  throw webPortBusy(port);
}

export function webPortBusy(port: number): StartFailure {
  return new StartFailure(
    `port ${port} (PORT) is already in use by another program, perhaps another npm start: stop it (lsof -i :${port} names it), or start on a free port, e.g. PORT=${port + 1} npm start`,
  );
}

/** The embedded PostgreSQL's port is held by someone else: the user's choice, or ours lost in a race. */
export function postgresPortBusy(port: number, setting?: string): StartFailure {
  return new StartFailure(
    setting
      ? `port ${port} (${setting}) is already in use by another program: stop that program (lsof -i :${port} names it), or set ${setting} to a free port, or leave it unset and npm start picks one`
      : `port ${port}, chosen for the embedded PostgreSQL, was taken by another program while it started: run npm start again and it picks another free port`,
  );
}

export type PostgresPort = {
  port: number;
  /** The variable it came from, when the user chose it. */
  setting?: "EMBEDDED_PG_PORT";
  /** Said at start when the remembered port had to be given up. */
  note?: string;
};

/**
 * EMBEDDED_PG_PORT if set (busy: refused, the user asked for it). Otherwise
 * the remembered port, or a new free one when there is none or another
 * program holds it: the port is private to this checkout, so moving is
 * harmless, and it is remembered only once PostgreSQL runs on it. If our own
 * PostgreSQL still holds it, the server refuses the second start on the
 * data directory's lock, which says so.
 */
export async function embeddedPostgresPort(dataDir: string, wanted: string | undefined): Promise<PostgresPort> {
  if (wanted) {
    const port = portSetting("EMBEDDED_PG_PORT", wanted);
    if (await portIsFree(port).catch(refusedPort(port, "EMBEDDED_PG_PORT"))) return { port, setting: "EMBEDDED_PG_PORT" };
    throw postgresPortBusy(port, "EMBEDDED_PG_PORT");
  }
  const remembered = rememberedPostgresPort(dataDir);
  if (remembered !== undefined && (await portIsFree(remembered))) return { port: remembered };
  const port = await freePort();
  const note = remembered === undefined ? undefined : `port ${remembered}, remembered for this data directory, is in use by another program; PostgreSQL moves to ${port}`;
  return { port, note };
}

function portFile(dataDir: string): string {
  return path.join(dataDir, "postgres.port");
}

export function rememberedPostgresPort(dataDir: string): number | undefined {
  const file = portFile(dataDir);
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(port) && port > 0 && port <= 65_535 ? port : undefined;
}

export function rememberPostgresPort(dataDir: string, port: number): void {
  writeFileSync(portFile(dataDir), `${port}\n`);
}

/** Ports below 1024 need root: a refusal other than "in use" is a fault of its own. */
function refusedPort(port: number, name: string) {
  return (error: NodeJS.ErrnoException): never => {
    if (error.code === "EACCES") throw new StartFailure(`port ${port} (${name}) needs root privileges to listen on: set ${name} to a port from 1024 to 65535`);
    if (error.code === "EADDRNOTAVAIL") throw new StartFailure(`cannot listen on port ${port} (${name}): the address to bind is not on this machine; check HOSTNAME_BIND`);
    throw error;
  };
}
