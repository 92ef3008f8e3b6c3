import { spawnSync } from "node:child_process";

/**
 * `npm run audit:deps` (promise M7.1): checks every installed dependency
 * against the registry's advisory database and fails on anything at or above
 * AUDIT_LEVEL (default high). When the advisory service cannot be reached, it
 * says so plainly — nothing was checked — and exits 0, so an offline deploy is
 * not blocked but nobody mistakes it for a clean result.
 */
const LEVELS = ["info", "low", "moderate", "high", "critical"] as const;
type Level = (typeof LEVELS)[number];

type AuditReport = {
  metadata?: { vulnerabilities?: Partial<Record<Level | "total", number>> };
  vulnerabilities?: Record<string, { severity: Level; range: string; via: Array<string | { title?: string; url?: string }>; fixAvailable: unknown }>;
  message?: string;
  error?: { summary?: string; detail?: string };
};

const level = (process.env.AUDIT_LEVEL ?? "high") as Level;
if (!LEVELS.includes(level)) {
  console.error(`audit:deps: AUDIT_LEVEL must be one of ${LEVELS.join(", ")}`);
  process.exit(2);
}

// --prefer-online: advisories change daily; never answer from npm's HTTP cache.
const run = spawnSync("npm", ["audit", "--json", "--prefer-online"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
let report: AuditReport | undefined;
try {
  report = JSON.parse(run.stdout) as AuditReport;
} catch {
  report = undefined;
}

const counts = report?.metadata?.vulnerabilities;
if (!report || !counts) {
  const reason = report?.message ?? report?.error?.summary ?? lastLine(run.stderr) ?? (run.error?.message || "no answer");
  console.log("audit:deps: THE ADVISORY SERVICE COULD NOT BE REACHED (or gave no usable answer) — dependencies were NOT checked.");
  console.log(`audit:deps: npm audit said: ${reason}`);
  console.log("audit:deps: run `npm run audit:deps` again where the registry's audit endpoint is reachable.");
  process.exit(0);
}

const threshold = LEVELS.indexOf(level);
const findings = Object.entries(report.vulnerabilities ?? {}).sort(
  ([, a], [, b]) => LEVELS.indexOf(b.severity) - LEVELS.indexOf(a.severity),
);
for (const [name, finding] of findings) {
  const advisories = finding.via.map((via) => (typeof via === "string" ? `via ${via}` : `${via.title ?? "advisory"} ${via.url ?? ""}`.trim()));
  const fix = finding.fixAvailable ? "fix available" : "no fix yet";
  console.log(`  ${finding.severity.padEnd(8)} ${name}${finding.range ? ` ${finding.range}` : ""} (${fix}): ${advisories.join("; ")}`);
}
const summary = LEVELS.map((l) => `${counts[l] ?? 0} ${l}`).join(", ");
const blocking = findings.filter(([, finding]) => LEVELS.indexOf(finding.severity) >= threshold).length;
console.log(`audit:deps: checked against the advisory service: ${summary}.`);
if (blocking > 0) {
  console.log(`audit:deps: FAILED — ${blocking} package(s) at or above "${level}".`);
  process.exit(1);
}
console.log(`audit:deps: passed — nothing at or above "${level}".`);

function lastLine(text: string | undefined): string | undefined {
  return text
    ?.split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.includes("Unknown user config"))
    .pop();
}
