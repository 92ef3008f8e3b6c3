import { ESLint } from "eslint";
import { describe, expect, test } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.message);
}

describe("project lint rules fail on code that breaks them", () => {
  test("[M4.1] comparing role names outside lib/authz is an error; inside lib/authz it is allowed", async () => {
    const compare = `export const isBoss = (role: string) => role === "OWNER";\n`;
    const switches = `export function f(role: string) { switch (role) { case "TREASURER": return 1; default: return 0; } }\n`;
    const includes = `export const g = (roles: string[]) => roles.includes("ADMIN");\n`;
    for (const code of [compare, switches, includes]) {
      expect(await problems("lib/services/fixture.ts", code)).toEqual([expect.stringMatching(/can\(actor, capability\)/)]);
      expect(await problems("app/tenant/fixture.tsx", code)).toEqual([expect.stringMatching(/can\(actor, capability\)/)]);
      expect(await problems("lib/authz/fixture.ts", code)).toEqual([]);
    }
  });

  test("[M6.1] raw SQL outside lib/db is an error", async () => {
    const code = `declare const db: { $queryRawUnsafe(q: string): Promise<unknown> };\nexport const q = () => db.$queryRawUnsafe("select 1");\n`;
    expect(await problems("lib/services/fixture.ts", code)).toEqual([expect.stringMatching(/No raw SQL/)]);
    expect(await problems("lib/db/fixture.ts", code)).toEqual([]);
  });

  test("[M6.1] every raw-SQL entry point is an error outside lib/db: $queryRaw, $executeRaw, their Unsafe forms, and the pg driver", async () => {
    const fixtures = [
      `declare const db: { $queryRaw(q: TemplateStringsArray): Promise<unknown> };\nexport const q = () => db.$queryRaw\`select 1\`;\n`,
      `declare const db: { $executeRaw(q: TemplateStringsArray): Promise<number> };\nexport const q = () => db.$executeRaw\`delete from member\`;\n`,
      `declare const db: { $executeRawUnsafe(q: string): Promise<number> };\nexport const q = (id: string) => db.$executeRawUnsafe("delete from member where id = '" + id + "'");\n`,
      `import { Pool } from "pg";\nexport const pool = new Pool();\n`,
      `import pg from "pg";\nexport const client = new pg.Client();\n`,
    ];
    for (const code of fixtures) {
      for (const file of ["lib/services/fixture.ts", "lib/queries/fixture.ts", "app/(tenant)/(app)/fixture.tsx", "app/admin/fixture.ts", "lib/jobs/fixture.ts"]) {
        expect(await problems(file, code), `${file}: ${code}`).toEqual([expect.stringMatching(/No raw SQL/)]);
      }
      expect(await problems("lib/db/fixture.ts", code)).toEqual([]);
    }
  });

  test("[M6.1] the platform (BYPASSRLS) client cannot be imported from tenant code", async () => {
    const code = `import { platformDbClient } from "@/lib/db/clients";\nimport type { PlatformTx } from "@/lib/db/platform";\nexport type P = PlatformTx;\nexport const c = platformDbClient;\n`;
    const platformOnly = expect.stringMatching(/platform \(BYPASSRLS\) client/);
    expect(await problems("app/tenant/fixture.ts", code)).toEqual([platformOnly, platformOnly]);
    expect(await problems("lib/queries/fixture.ts", code)).toEqual([platformOnly, platformOnly]);
    expect(await problems("app/admin/fixture.ts", code)).toEqual([]);
  });

  test("[M5.1] outside the mutation wrappers, lib/services and app/ neither append to the audit trail nor open a transaction", async () => {
    const fixtures = [
      `import { appendAudit } from "../audit/append";\nexport const a = appendAudit;\n`,
      `import { appendAudit } from "@/lib/audit/append";\nexport const a = appendAudit;\n`,
      `import { withTenant } from "../db/tenant";\nexport const t = withTenant;\n`,
      `import { withPlatform } from "@/lib/db/platform";\nexport const t = withPlatform;\n`,
      `import { withSessionSide } from "../db/platform";\nexport const t = withSessionSide;\n`,
      `declare const db: { $transaction(fn: () => Promise<void>): Promise<void> };\nexport const t = () => db.$transaction(async () => {});\n`,
    ];
    for (const code of fixtures) {
      for (const file of ["lib/services/fixture.ts", "lib/services/organization-status.ts", "app/(tenant)/(app)/fixture/actions.ts", "app/admin/fixture.ts"]) {
        expect(await problems(file, code), `${file}: ${code}`).toEqual(expect.arrayContaining([expect.stringMatching(/defineMutation, definePlatformMutation or defineIdentityMutation/)]));
      }
    }
    // The wrappers themselves, and the reads in lib/queries, may; a service may name the transaction's type.
    expect(await problems("lib/services/mutation.ts", fixtures[0])).toEqual([]);
    expect(await problems("lib/services/identity-mutation.ts", fixtures[4])).toEqual([]);
    expect(await problems("lib/queries/fixture.ts", fixtures[2])).toEqual([]);
    expect(await problems("lib/services/fixture.ts", `import type { TenantTx } from "../db/tenant";\nexport type T = TenantTx;\n`)).toEqual([]);
  });

  test("[M6.2] dangerouslySetInnerHTML is an error everywhere", async () => {
    const code = `export const X = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n`;
    for (const file of ["app/tenant/fixture.tsx", "app/site/fixture.tsx", "app/admin/fixture.tsx", "lib/authz/fixture.tsx", "lib/db/fixture.tsx"]) {
      expect(await problems(file, code), file).toEqual([expect.stringMatching(/dangerouslySetInnerHTML/)]);
    }
  });

  test("[M6.1] [M6.2] eslint-plugin-security: eval, dynamic RegExp, catastrophic regexes, child processes and computed fs paths are errors in app code", async () => {
    const cases: Array<[string, RegExp]> = [
      [`export const run = (code: string) => eval(code);\n`, /eval/],
      [`export const match = (pattern: string, s: string) => new RegExp(pattern).test(s);\n`, /RegExp/],
      [`export const slow = (s: string) => /^(a+)+$/.test(s);\n`, /Unsafe Regular Expression/],
      [`import { exec } from "node:child_process";\nexport const sh = (cmd: string) => exec(cmd);\n`, /child_process/],
      [`import { readFileSync } from "node:fs";\nexport const read = (name: string) => readFileSync(name);\n`, /non literal argument/],
      [`export const load = (name: string) => require(name);\n`, /require/],
    ];
    for (const [code, message] of cases) {
      expect(await problems("lib/services/fixture.ts", code), code).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
      expect(await problems("app/api/fixture/route.ts", code), code).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    }
  });
});
