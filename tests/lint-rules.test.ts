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

  test("[M6.1] the platform (BYPASSRLS) client cannot be imported from tenant code", async () => {
    const code = `import { withPlatform } from "@/lib/db/platform";\nexport const p = withPlatform;\n`;
    expect(await problems("app/tenant/fixture.ts", code)).toEqual([expect.stringMatching(/platform \(BYPASSRLS\) client/)]);
    expect(await problems("app/admin/fixture.ts", code)).toEqual([]);
  });

  test("[M6.2] dangerouslySetInnerHTML is an error everywhere", async () => {
    const code = `export const X = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n`;
    expect(await problems("app/tenant/fixture.tsx", code)).toEqual([expect.stringMatching(/dangerouslySetInnerHTML/)]);
  });
});
