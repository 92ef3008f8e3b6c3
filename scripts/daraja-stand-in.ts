import { startDarajaStandIn } from "./lib/daraja-stand-in";

/**
 * `npx tsx scripts/daraja-stand-in.ts`: a local Daraja for the demo and manual
 * testing, on PORT or a free port, sending each callback DARAJA_CALLBACK_DELAY_MS
 * (default 300) after the push. The payer phone's last four digits pick the
 * outcome (table in scripts/lib/daraja-stand-in.ts).
 */
const standIn = await startDarajaStandIn({ port: Number(process.env.PORT ?? 0), callbackDelayMs: Number(process.env.DARAJA_CALLBACK_DELAY_MS ?? 300) });
console.log(`daraja stand-in listening on ${standIn.url}`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void standIn.stop().then(() => process.exit(0));
  });
}
