import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { rememberedPostgresPort } from "./lib/ports";
import { localSecrets } from "./secrets";

/**
 * `npm run outbox [-- --to <email>] [-- --limit N]`: the latest emails kept in
 * the outbox (no RESEND_API_KEY), e.g. a password-reset link of the demo.
 * `npm start` serves a production build, where /dev/outbox answers 404; this
 * reads the same table. Without DATABASE_URL it reads the running embedded
 * demo's database with the secrets kept in its data directory.
 */
const { values } = parseArgs({ options: { to: { type: "string" }, limit: { type: "string", default: "10" } } });

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    const dataDir = path.resolve(process.env.HARAMBEE_DATA_DIR || ".data");
    if (!existsSync(path.join(dataDir, "secrets.json"))) throw new Error(`no demo data in ${dataDir}: set DATABASE_URL, or run this beside \`npm start\``);
    const secrets = localSecrets(dataDir);
    const port = process.env.EMBEDDED_PG_PORT || rememberedPostgresPort(dataDir);
    if (!port) throw new Error(`no PostgreSQL port remembered in ${dataDir}: start the demo with \`npm start\` first, or set EMBEDDED_PG_PORT`);
    process.env.DATABASE_URL = `postgres://postgres:${encodeURIComponent(secrets.ownerPassword)}@127.0.0.1:${port}/harambee`;
    process.env.APP_DB_PASSWORD ??= secrets.appDbPassword;
    process.env.PLATFORM_DB_PASSWORD ??= secrets.platformDbPassword;
    process.env.AUTH_SECRET ??= secrets.authSecret;
  }
  const { latestOutboxEmails } = await import("../lib/queries/outbox");
  const { disconnectAll } = await import("../lib/db/clients");
  try {
    const to = values.to?.trim().toLowerCase();
    const emails = (await latestOutboxEmails(Math.max(1, Number(values.limit) || 10) * (to ? 10 : 1))).filter((e) => !to || e.to === to);
    if (emails.length === 0) console.log("outbox: no emails");
    for (const email of emails.slice(0, Number(values.limit) || 10)) {
      console.log(`--- ${email.createdAt.toISOString()}  to ${email.to}\n${email.subject}\n\n${email.text}\n`);
    }
  } finally {
    await disconnectAll();
  }
}

main().catch((error: unknown) => {
  console.error(`outbox: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
