import { createSecretKey, randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { AUDIT_CSV_COLUMNS, auditCsvHeader, auditCsvRow } from "@/lib/audit/csv";
import { entryHash, GENESIS_HASH } from "@/lib/audit/canonical";
import { parseAuditCsv, recomputeRowHash } from "./support/audit-csv";

const KEYS = new Map([["a1", createSecretKey(randomBytes(32))]]);

const entry = (actorLabel: string, summary: string) => {
  const fields = {
    organizationId: "0b5e3c1a-2f4d-4e8a-9c6b-1d2e3f4a5b6c",
    seq: 7n,
    at: new Date("2026-11-30T09:53:34.991Z"),
    actorId: null,
    actorLabel,
    ip: "203.0.113.7",
    action: "member.update",
    summary,
    targetType: "Member",
    targetId: null,
    before: { note: 'says "hi", twice' },
    after: { b: 1, a: [2, { d: null, c: "x" }] },
  };
  return { ...fields, prevHash: GENESIS_HASH, hash: entryHash(KEYS.get("a1")!, GENESIS_HASH, fields), keyId: "a1", requestId: "req-7f3a9c21" };
};

describe("the audit CSV", () => {
  test("[M5.3] a header row, then every hashed field, both hashes, the key id and the (unhashed) request id; quotes, commas and nulls survive", () => {
    const e = entry("treasurer@kilimani.test", "Edited, with a comma");
    const [row] = parseAuditCsv(auditCsvHeader() + auditCsvRow(e));
    expect(auditCsvHeader()).toBe(`${AUDIT_CSV_COLUMNS.join(",")}\r\n`);
    expect(row).toMatchObject({ seq: "7", at: "2026-11-30T09:53:34.991Z", actor_id: null, target_id: null, summary: "Edited, with a comma", key_id: "a1", request_id: "req-7f3a9c21" });
    expect(row.after).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    expect(recomputeRowHash(row, KEYS)).toBe(e.hash);
  });

  test("[M5.3] a cell a spreadsheet would run as a formula is defused, and removing one apostrophe restores it", () => {
    for (const label of ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "'quoted"]) {
      const e = entry(label, "s");
      const line = auditCsvRow(e);
      expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
      const [row] = parseAuditCsv(auditCsvHeader() + line);
      expect(row.actor_label).toBe(label);
      expect(recomputeRowHash(row, KEYS)).toBe(e.hash);
    }
  });
});
