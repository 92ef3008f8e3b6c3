import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { renderAccessDoc } from "../scripts/lib/access-doc";

test("[M4.1] [B3.1] docs/ACCESS.md is the table generated from the code (run `npm run docs:access` after changing it)", () => {
  const committed = readFileSync(path.resolve(import.meta.dirname, "../docs/ACCESS.md"), "utf8");
  expect(committed, "docs/ACCESS.md is stale: run npm run docs:access").toBe(renderAccessDoc());
  expect(committed).toContain("| `welfare:approve` | Approve or refuse welfare disbursements |");
});
