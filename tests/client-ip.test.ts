import { expect, test } from "vitest";
import { clientIp } from "@/lib/security/client-ip";

test("without trusted proxies the socket address wins over a forged X-Forwarded-For", () => {
  expect(clientIp("::ffff:198.51.100.4", "1.2.3.4", 0)).toBe("198.51.100.4");
});

test("with one trusted proxy the right-most forwarded address is the client", () => {
  expect(clientIp("10.0.0.2", "1.2.3.4, 198.51.100.4", 1)).toBe("198.51.100.4");
});

test("with two trusted proxies the second from the right is the client", () => {
  expect(clientIp("10.0.0.2", "1.2.3.4, 198.51.100.4, 10.0.0.9", 2)).toBe("198.51.100.4");
});

test("a missing forwarded chain falls back to the socket", () => {
  expect(clientIp("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
});
