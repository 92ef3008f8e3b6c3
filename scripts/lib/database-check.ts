import pg from "pg";
import { StartFailure } from "./start-failure";

/**
 * One connection to DATABASE_URL before anything else uses it, so a wrong
 * URL ends `npm start` with what is wrong with it (host, port, password,
 * database) rather than whatever the migration's driver makes of it. The
 * password never appears in the line.
 */
const CONNECT_TIMEOUT_MS = 10_000;

export async function checkDatabase(url: string): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new StartFailure("DATABASE_URL is not a URL: write it as postgres://user:password@host:5432/database, or unset it for the embedded demo");
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that drops the connection later emits here; the failed connect() already says why.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw databaseFailure(error, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function databaseFailure(error: unknown, url: URL): StartFailure {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const host = url.hostname || "localhost";
  const where = `${host}:${url.port || 5432}`;
  const user = decodeURIComponent(url.username) || "(none)";
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  const fix = "correct DATABASE_URL, or unset it for the embedded demo";
  switch (code) {
    case "ECONNREFUSED":
      return new StartFailure(`nothing accepts connections at ${where} (DATABASE_URL; connection refused): start that PostgreSQL, or ${fix}`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new StartFailure(`the host "${host}" in DATABASE_URL cannot be resolved: ${fix}`);
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ETIMEDOUT":
      return new StartFailure(`${where} (DATABASE_URL) cannot be reached from here: check the host, the port and any firewall, or ${fix}`);
    case "28P01":
      return new StartFailure(`PostgreSQL at ${where} refused the password of user "${user}" (DATABASE_URL): ${fix}`);
    case "3D000":
      return new StartFailure(`database "${database}" does not exist at ${where} (DATABASE_URL): create it (createdb ${database}) or ${fix}`);
  }
  if (/timeout/i.test(message ?? "")) {
    return new StartFailure(`no answer from ${where} (DATABASE_URL) within ${CONNECT_TIMEOUT_MS / 1000} s: check the host, the port and any firewall, or ${fix}`);
  }
  // A peer that hangs up on the startup packet: pg reports a reset or an early end, depending on timing.
  if (code === "ECONNRESET" || /terminated unexpectedly/i.test(message ?? "")) {
    return new StartFailure(`${where} (DATABASE_URL) closed the connection at once: is a PostgreSQL server listening there? Otherwise ${fix}`);
  }
  return new StartFailure(`cannot use DATABASE_URL (${where}): ${(message ?? String(error)).split("\n")[0]}; ${fix}`);
}
