import { expect, test } from "vitest";
import { clientIp } from "@/lib/security/client-ip";
import { webhookSourceAllowed } from "@/lib/security/webhook-source";

const SAFARICOM = "196.201.214.200,196.201.214.206";

test("[P3] with no allow-list any sender passes (the token is the check)", () => {
  expect(webhookSourceAllowed("203.0.113.9", undefined)).toBe(true);
  expect(webhookSourceAllowed(null, " , ")).toBe(true);
});

test("[P3] with an allow-list only its addresses pass, spaces ignored; an unknown address never does", () => {
  expect(webhookSourceAllowed("196.201.214.206", " 196.201.214.200 , 196.201.214.206 ")).toBe(true);
  expect(webhookSourceAllowed("196.201.214.2", SAFARICOM)).toBe(false);
  expect(webhookSourceAllowed(null, SAFARICOM)).toBe(false);
});

test("[P3] a forged first X-Forwarded-For naming Safaricom does not pass, with or without a trusted proxy", () => {
  expect(webhookSourceAllowed(clientIp("203.0.113.9", "196.201.214.200", 0), SAFARICOM)).toBe(false);
  expect(webhookSourceAllowed(clientIp("10.0.0.2", "196.201.214.200, 203.0.113.9", 1), SAFARICOM)).toBe(false);
  expect(webhookSourceAllowed(clientIp("10.0.0.2", "203.0.113.9, 196.201.214.200", 1), SAFARICOM)).toBe(true);
});
