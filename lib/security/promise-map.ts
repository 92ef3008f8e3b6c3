import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * docs/SECURITY.md maps every promise ID to the code that keeps it and the
 * test that proves it. The public /security pages read it, so a claim on the
 * site shows the same status as the map (and a test checks the map against
 * the code and tests it names).
 */
export type PromiseStatus = "kept" | "partly" | "not yet";

export type PromiseRow = { id: string; promise: string; status: PromiseStatus; keptBy: string; provenBy: string };

const ID = /^[MBP][0-9.]+$/;
const STATUSES: ReadonlySet<string> = new Set(["kept", "partly", "not yet"]);

export function parsePromiseMap(markdown: string): PromiseRow[] {
  const rows: PromiseRow[] = [];
  for (const line of markdown.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("|") || !trimmed.endsWith("|")) continue;
    const cells = trimmed.slice(1, -1).split(" | ").map((cell) => cell.trim());
    const [id, promise, status, keptBy, provenBy] = cells;
    if (!ID.test(id)) continue;
    if (cells.length !== 5 || !STATUSES.has(status)) throw new Error(`docs/SECURITY.md: malformed row for ${id}`);
    rows.push({ id, promise, status: status as PromiseStatus, keptBy, provenBy });
  }
  return rows;
}

let cached: Map<string, PromiseRow> | undefined;

/** The map as shipped with this build (read once; the server runs from the project root). */
export function promiseMap(): Map<string, PromiseRow> {
  cached ??= new Map(
    parsePromiseMap(readFileSync(path.join(process.cwd(), "docs", "SECURITY.md"), "utf8")).map((row) => [row.id, row]),
  );
  return cached;
}

/** Anchor of a promise on the public map page. */
export const promiseAnchor = (id: string) => `/security/promises#${id}`;
