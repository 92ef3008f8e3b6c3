import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderAccessDoc } from "./lib/access-doc";

/** `npm run docs:access`: writes docs/ACCESS.md from the code (tests/access-doc.test.ts fails when it is stale). */
const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../docs/ACCESS.md");
writeFileSync(target, renderAccessDoc());
console.log("wrote docs/ACCESS.md");
