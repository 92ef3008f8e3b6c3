// Totals every runner's JSON report into the one closing line CI reads.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
const [vitestFile, playwrightFile] = process.argv.slice(2);

if (existsSync(vitestFile)) {
  const report = JSON.parse(readFileSync(vitestFile, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
} else failed += 1;

if (existsSync(playwrightFile)) {
  const { stats } = JSON.parse(readFileSync(playwrightFile, "utf8"));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
} else failed += 1;

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
