import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import security from "eslint-plugin-security";

const ROLE_NAMES = "^(OWNER|ADMIN|TREASURER|PROGRAM_MANAGER|LOCATION_ADMIN|FIELD_MANAGER|MEMBER|VIEWER)$";

/** Role names are compared only inside lib/authz (promise M4.1). */
const roleComparisons = [
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=/${ROLE_NAMES}/]`,
    message: "Ask can(actor, capability) instead of comparing role names (lib/authz holds the only role table).",
  },
  {
    selector: `SwitchCase > Literal[value=/${ROLE_NAMES}/]`,
    message: "Ask can(actor, capability) instead of switching on role names.",
  },
  {
    selector: `CallExpression[callee.property.name='includes'] > Literal[value=/${ROLE_NAMES}/]`,
    message: "Ask can(actor, capability) instead of testing role names.",
  },
];

/** Raw SQL only in lib/db (the tenant transaction helper) and migrations (promise M6.1). */
const rawSql = {
  selector: "MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|queryRawTyped)$/]",
  message: "No raw SQL outside lib/db: use the Prisma client through lib/services or lib/queries.",
};

/** `pg` speaks SQL directly: like raw SQL, only lib/db (and scripts, tests, seeds) may import it (M6.1). */
const pgDriver = {
  name: "pg",
  message: "No raw SQL outside lib/db: use the Prisma client through lib/services or lib/queries.",
};

/**
 * eslint-plugin-security's recommended rules, as errors. detect-object-injection
 * is off: it flags every obj[key], typed or not, and the noise would hide the
 * findings that matter.
 */
const securityRules = Object.fromEntries(
  Object.keys(security.configs.recommended.rules).map((rule) => [rule, rule === "security/detect-object-injection" ? "off" : "error"]),
);

const noInnerHtml = {
  selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
  message: "dangerouslySetInnerHTML is not allowed: let React escape (promise M6.2).",
};

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ["node_modules/**", ".next/**", ".data/**", "lib/db/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "reports/**"] },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs"],
    plugins: { security },
    rules: {
      ...securityRules,
      "no-restricted-syntax": ["error", ...roleComparisons, rawSql, noInnerHtml],
      "no-restricted-imports": [
        "error",
        {
          paths: [pgDriver],
          patterns: [
            {
              group: ["**/lib/db/platform", "@/lib/db/platform"],
              message: "The platform (BYPASSRLS) client is only for app/admin, lib/jobs, platform services and reporting.",
            },
            { group: ["**/db/generated/*", "@/lib/db/generated/*"], message: "Import data access through lib/services or lib/queries." },
          ],
        },
      ],
    },
  },
  {
    // Where raw SQL and the platform client are the point.
    files: ["lib/db/**", "scripts/**", "tests/**", "e2e/**", "prisma/**"],
    rules: { "no-restricted-syntax": ["error", ...roleComparisons, noInnerHtml], "no-restricted-imports": "off" },
  },
  {
    // Tooling: runs commands, reads files by computed path and matches our own
    // files with regexes, on purpose. No request ever reaches it.
    files: ["scripts/**", "tests/**", "e2e/**", "prisma/**", "*.config.ts", "*.config.mjs"],
    rules: { "security/detect-child-process": "off", "security/detect-non-literal-fs-filename": "off", "security/detect-unsafe-regex": "off" },
  },
  {
    files: ["lib/authz/**"],
    rules: { "no-restricted-syntax": ["error", rawSql, noInnerHtml] },
  },
  {
    // DESIGN.md: the platform role serves platform administration, jobs and reporting queries.
    files: [
      "app/admin/**",
      "lib/jobs/**",
      "lib/services/login-limits.ts",
      "lib/services/notices.ts",
      "lib/services/organizations.ts",
      "lib/services/organization-status.ts",
      "lib/services/platform-mutation.ts",
      "lib/services/platform-sessions.ts",
      "lib/services/support-access.ts",
      "lib/services/two-factor.ts",
      "lib/queries/platform-organizations.ts",
      "lib/queries/reporting.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [pgDriver],
          patterns: [{ group: ["**/db/generated/*", "@/lib/db/generated/*"], message: "Import data access through lib/services or lib/queries." }],
        },
      ],
    },
  },
];

export default config;
