// The registry mirror on our machines serves only linux-x64 builds of
// platform-specific packages, so `npm install` leaves the other platforms'
// optional packages out of package-lock.json and `npm ci` then refuses the
// lock. This adds those entries back (marked optional, with the os/cpu their
// names state), so npm ci skips them by platform instead of failing.
// Run after any dependency change: node scripts/lock-platforms.mjs
import { readFileSync, writeFileSync } from "node:fs";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const packages = lock.packages;

const OS = ["darwin", "win32", "linux", "freebsd", "android", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const CPU = ["arm64", "x64", "ia32", "arm", "wasm32", "ppc64", "s390x", "riscv64", "loong64", "mips64el"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p)) ?? (parts.includes("wasi") || parts.includes("wasm32") ? undefined : undefined);
  const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes("universal") ? undefined : undefined);
  const libc = parts.includes("musl") || parts.includes("musleabihf") ? ["musl"] : parts.includes("gnu") || parts.includes("gnueabihf") ? ["glibc"] : undefined;
  return { os: os ? [os] : undefined, cpu: cpu ? [cpu] : undefined, libc };
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ""}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) continue; // not a platform package: leave npm's decision alone
    packages[`node_modules/${dep}`] = { version, optional: true, ...(os && { os }), ...(cpu && { cpu }), ...(libc && { libc }) };
    added += 1;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} foreign-platform optional entries`);
