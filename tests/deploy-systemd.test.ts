import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The shipped systemd units (deploy/systemd), linted by systemd itself:
 * `systemd-analyze verify` parses every unit and refuses unknown keys, a bad
 * calendar or an ExecStart that is not executable. A unit can only be linted
 * here (no systemd runs in this container); the units' paths under
 * /srv/harambee are pointed at this checkout, everything else as shipped.
 */
const root = path.resolve(import.meta.dirname, "..");
const shipped = path.join(root, "deploy/systemd");
let dir: string;

/** `[Section] Key=value` lines of a unit, the way systemd reads its simple cases. */
function unitSettings(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path.join(shipped, file), "utf8")
      .split("\n")
      .filter((line) => /^[A-Za-z]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "harambee-units-"));
  for (const unit of readdirSync(shipped)) writeFileSync(path.join(dir, unit), readFileSync(path.join(shipped, unit), "utf8").replaceAll("/srv/harambee", root));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("systemd units", () => {
  test("[M1.3] [M8.3] every unit passes systemd-analyze verify without a warning", () => {
    const units = readdirSync(dir);
    expect(units.sort()).toEqual(["harambee-backup.service", "harambee-backup.timer", "harambee-basebackup.service", "harambee-basebackup.timer", "harambee.service"]);
    const verified = spawnSync("systemd-analyze", ["verify", ...units.map((u) => path.join(dir, u))], { encoding: "utf8" });
    expect(verified.stderr.trim()).toBe("");
    expect(verified.status).toBe(0);
  });

  test("the lint has teeth: a misspelt key and a bad calendar are reported", () => {
    const bad = path.join(dir, "bad");
    rmSync(bad, { recursive: true, force: true });
    mkdirSync(bad);
    copyFileSync(path.join(dir, "harambee-backup.service"), path.join(bad, "harambee-backup.service"));
    writeFileSync(path.join(bad, "harambee-backup.timer"), readFileSync(path.join(dir, "harambee-backup.timer"), "utf8").replace("OnCalendar=", "OnCalendr="));
    const verified = spawnSync("systemd-analyze", ["verify", path.join(bad, "harambee-backup.timer")], { encoding: "utf8" });
    expect(verified.stderr).toContain("Unknown key 'OnCalendr'");
    expect(verified.status).not.toBe(0);
  });

  test("[M8.3] the backup timer runs `npm run backup` once a day, and the base backup for PITR once a week", () => {
    expect(unitSettings("harambee-backup.service")).toMatchObject({ Type: "oneshot", User: "harambee", ExecStart: "/usr/bin/npm run --silent backup", EnvironmentFile: "/etc/harambee/env" });
    expect(unitSettings("harambee-basebackup.service")).toMatchObject({ Type: "oneshot", User: "postgres", ExecStart: "/srv/harambee/deploy/postgresql/base-backup.sh /var/lib/harambee/storage" });
    const next = (file: string) => {
      const calendar = unitSettings(file).OnCalendar!;
      const shown = spawnSync("systemd-analyze", ["calendar", "--iterations=3", calendar], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
      expect(shown.status, shown.stderr).toBe(0);
      return [...shown.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\S+ \S+) UTC$/gm)].map((m) => Date.parse(`${m[1]!.replace(" ", "T")}Z`));
    };
    const gaps = (times: number[]) => times.slice(1).map((t, i) => (t - times[i]!) / 3_600_000);
    expect(gaps(next("harambee-backup.timer"))).toEqual([24, 24]);
    expect(gaps(next("harambee-basebackup.timer"))).toEqual([168, 168]);
  });

  test("[M1.3] the app binds to loopback and both it and the backup may write only the build folder and the object store", () => {
    const app = unitSettings("harambee.service");
    expect(app.Environment).toContain("HOSTNAME_BIND=127.0.0.1");
    expect(app.ExecStart).toBe("/usr/bin/npm start");
    for (const unit of ["harambee.service", "harambee-backup.service", "harambee-basebackup.service"]) {
      expect(unitSettings(unit).ProtectSystem, unit).toBe("strict");
      expect(unitSettings(unit).ReadWritePaths!.split(" ").filter((p) => p !== "/srv/harambee/.next"), unit).toEqual(["/var/lib/harambee/storage"]);
    }
  });
});
