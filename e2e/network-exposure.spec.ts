import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { PORT } from "./support/app";

/** Listening TCP sockets on a port, from the kernel's own table (Linux /proc/net/tcp{,6}). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === "0A" && cols[1]?.endsWith(`:${hexPort}`))
      .map((cols) => cols[1].split(":")[0]),
  );
}

const LOOPBACK = new Set(["0100007F", "00000000000000000000000001000000"]);

test("[M1.3] the app and its embedded PostgreSQL listen on loopback only", () => {
  for (const port of [PORT, PORT + 10_000]) {
    const addresses = listeners(port);
    expect(addresses.length, `something listens on ${port}`).toBeGreaterThan(0);
    for (const address of addresses) expect(LOOPBACK.has(address), `port ${port} listens on ${address}`).toBe(true);
  }
});
