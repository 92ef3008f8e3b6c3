import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { parsePromiseMap } from "@/lib/security/promise-map";

/**
 * docs/SECURITY.md is what /security and /security/promises publish, so it
 * must not claim more than the code and tests do. PROMISES.md lives beside
 * the project (../shared), as the README says.
 */
const PROMISES = path.resolve("..", "shared", "PROMISES.md");
const rows = parsePromiseMap(readFileSync("docs/SECURITY.md", "utf8"));
const files = (cell: string) => [...cell.matchAll(/`([^`\s]+\.[a-z]+)`/g)].map((m) => m[1]).filter((f) => f.includes("/") || f.includes("."));
const ownFiles = (cell: string) => files(cell).filter((f) => !f.startsWith("../"));

describe("docs/SECURITY.md, the promise map", () => {
  test("has exactly one row for every promise ID in PROMISES.md", () => {
    expect(existsSync(PROMISES), `${PROMISES} (the shared promises) must sit beside the project`).toBe(true);
    const ids = [...readFileSync(PROMISES, "utf8").matchAll(/^\| ([MBP]\d+(?:\.\d+)?) \|/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(50);
    expect(rows.map((row) => row.id).sort()).toEqual([...new Set(ids)].sort());
  });

  test("every file it names exists", () => {
    const missing = rows.flatMap((row) => [...ownFiles(row.keptBy), ...ownFiles(row.provenBy)].filter((file) => !existsSync(file)).map((file) => `${row.id}: ${file}`));
    expect(missing).toEqual([]);
  });

  test("a kept or partly row names a test that carries its ID, and every test it names for that row does", () => {
    const problems: string[] = [];
    for (const row of rows.filter((r) => r.status !== "not yet")) {
      const tests = ownFiles(row.provenBy).filter((file) => /^(tests|e2e)\//.test(file));
      if (tests.length === 0) problems.push(`${row.id}: no test named`);
      for (const file of tests) if (existsSync(file) && !readFileSync(file, "utf8").includes(`[${row.id}]`)) problems.push(`${row.id}: ${file} has no test named [${row.id}]`);
    }
    expect(problems).toEqual([]);
  });

  test("a row that is not yet kept says which issue will keep it", () => {
    const vague = rows.filter((row) => row.status === "not yet" && !/issue #\d+|issue not yet filed/.test(row.provenBy)).map((row) => row.id);
    expect(vague).toEqual([]);
  });
});
