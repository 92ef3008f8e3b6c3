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

/**
 * One way in for every change (lib/services/mutation.ts): outside the three
 * mutation wrappers nothing in lib/services or app/ opens a transaction or
 * appends to the audit trail (promise M5.1). Reads open theirs in lib/queries.
 */
const transactionCall = {
  selector: "MemberExpression[property.name='$transaction']",
  message: "Open transactions only in lib/db: a change goes through defineMutation, definePlatformMutation or defineIdentityMutation.",
};

const WRAPPER_MESSAGE = "Changes go through defineMutation, definePlatformMutation or defineIdentityMutation (lib/services/mutation.ts), which open the transaction and write the audit entry.";

const auditAppend = { group: ["**/audit/append", "@/lib/audit/append"], message: WRAPPER_MESSAGE };
const transactionOpeners = [
  { group: ["**/db/tenant", "@/lib/db/tenant"], importNames: ["withTenant"], message: WRAPPER_MESSAGE },
  { group: ["**/db/platform", "@/lib/db/platform"], importNames: ["withPlatform", "withSessionSide", "withCiphertext"], message: WRAPPER_MESSAGE },
];
const generatedClient = { group: ["**/db/generated/*", "@/lib/db/generated/*"], message: "Import data access through lib/services or lib/queries." };
const PLATFORM_MESSAGE = "The platform (BYPASSRLS) client is only for app/admin, lib/jobs, platform services and reporting.";
const platformClients = [
  { group: ["**/lib/db/platform", "@/lib/db/platform"], message: PLATFORM_MESSAGE },
  { group: ["**/lib/db/clients", "@/lib/db/clients"], importNames: ["platformDbClient", "ciphertextDbClient"], message: PLATFORM_MESSAGE },
];

/** The import rule for a group of files: what of the platform client and the transaction helpers they may use. */
const imports = ({ platform, transactions }) => [
  "error",
  {
    paths: [pgDriver],
    patterns: [generatedClient, auditAppend, ...(platform ? [] : platformClients), ...(transactions ? [] : transactionOpeners)],
  },
];

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
      "no-restricted-syntax": ["error", ...roleComparisons, rawSql, transactionCall, noInnerHtml],
      "no-restricted-imports": imports({ platform: false, transactions: true }),
    },
  },
  {
    files: ["lib/services/**", "app/**"],
    rules: { "no-restricted-imports": imports({ platform: false, transactions: false }) },
  },
  {
    // docs/ARCHITECTURE.md (database roles): the platform role serves platform administration, jobs and reporting queries.
    files: ["lib/jobs/**", "lib/queries/platform-organizations.ts", "lib/queries/reporting.ts"],
    rules: { "no-restricted-imports": imports({ platform: true, transactions: true }) },
  },
  {
    // Platform pages and services name the platform transaction's type; the wrappers open it.
    files: [
      "app/admin/**",
      "lib/services/notices.ts",
      "lib/services/organization-status.ts",
      "lib/services/platform-mutation.ts",
    ],
    rules: { "no-restricted-imports": imports({ platform: true, transactions: false }) },
  },
  {
    // The wrappers themselves: the only place a change opens its transaction and appends its audit entries.
    files: ["lib/services/mutation.ts", "lib/services/platform-mutation.ts", "lib/services/identity-mutation.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [pgDriver], patterns: [generatedClient] }] },
  },
  {
    // Where raw SQL, transactions and the platform client are the point.
    files: ["lib/db/**", "lib/audit/**", "scripts/**", "tests/**", "e2e/**", "prisma/**"],
    rules: { "no-restricted-syntax": ["error", ...roleComparisons, noInnerHtml], "no-restricted-imports": "off" },
  },
  {
    // Tooling: runs commands, reads files by computed path and matches our own
    // files with regexes, on purpose. No request ever reaches it.
    files: ["scripts/**", "tests/**", "e2e/**", "prisma/**", "*.config.ts", "*.config.mjs"],
    rules: { "security/detect-child-process": "off", "security/detect-non-literal-fs-filename": "off", "security/detect-unsafe-regex": "off" },
  },
  {
    // The local object store: every path it touches is checkKey'd and joined under its root.
    files: ["lib/storage/local.ts"],
    rules: { "security/detect-non-literal-fs-filename": "off" },
  },
  {
    files: ["lib/authz/**"],
    rules: { "no-restricted-syntax": ["error", rawSql, transactionCall, noInnerHtml] },
  },
];

export default config;
