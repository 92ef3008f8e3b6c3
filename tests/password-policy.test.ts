import { describe, expect, test } from "vitest";
import { dictionary } from "@zxcvbn-ts/language-common";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { PASSWORD_MESSAGES, passwordProblems } from "@/lib/auth/password-policy";

const person = { email: "wanjiru.kariuki@kilimani.test", name: "Wanjiru Kariuki" };

describe("password validators", () => {
  test("[M3.2] a long, unusual, impersonal password passes", () => {
    expect(passwordProblems("Harambee-Demo-2026!", person)).toEqual([]);
  });

  test("[M3.2] fewer than 12 characters is refused with its message", () => {
    expect(passwordProblems("Tr1cky-pass", person)).toEqual([PASSWORD_MESSAGES.tooShort]);
    expect(passwordProblems("Tr1cky-pass!", person)).toEqual([]);
  });

  test("[M3.2] an all-numeric password is refused with its message", () => {
    expect(passwordProblems("480215937461", person)).toEqual([PASSWORD_MESSAGES.allNumeric]);
  });

  test("[M3.2] a password from the common-password list is refused with its message, whatever its case", () => {
    const common = dictionary["passwords-common"].find((p) => p.length >= 12 && !/^\d+$/.test(p))!;
    expect(passwordProblems(common, person)).toEqual([PASSWORD_MESSAGES.common]);
    expect(passwordProblems(common.toUpperCase(), person)).toEqual([PASSWORD_MESSAGES.common]);
  });

  test("[M3.2] a password containing the email or a part of the name is refused with its message", () => {
    expect(passwordProblems("my-wanjiru.kariuki@kilimani.test", person)).toEqual([PASSWORD_MESSAGES.personal]);
    expect(passwordProblems("Kariuki-Rocks-2026", person)).toEqual([PASSWORD_MESSAGES.personal]);
  });
});

describe("password hashing", () => {
  test("[M3.1] Argon2id at OWASP's parameters, salted: two hashes of one password differ and both verify", async () => {
    const [a, b] = await Promise.all([hashPassword("Harambee-Demo-2026!"), hashPassword("Harambee-Demo-2026!")]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("Harambee-Demo-2026!");
    expect(await verifyPassword(a, "Harambee-Demo-2026!")).toBe(true);
    expect(await verifyPassword(b, "Harambee-Demo-2026?")).toBe(false);
    expect(await verifyPassword(null, "Harambee-Demo-2026!")).toBe(false);
  });
});
