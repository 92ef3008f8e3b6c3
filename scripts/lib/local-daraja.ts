import { startDarajaStandIn, type DarajaStandIn } from "./daraja-stand-in";

/**
 * The offline demo's M-Pesa: when `npm start` runs on its embedded database
 * and DARAJA_BASE_URL is not set, a Daraja stand-in (./daraja-stand-in.ts)
 * runs in this process on 127.0.0.1, and DARAJA_BASE_URL points the server
 * and the worker at it. STK pushes then reach no phone: the payer phone's
 * last four digits pick the outcome (docs/MPESA.md), and the stand-in POSTs
 * the callback back to the club's subdomain. A deployment on its own
 * database never gets one: there an unset DARAJA_BASE_URL means Safaricom's sandbox.
 */
export async function startLocalDaraja(options: { embedded: boolean; step: (message: string) => void }): Promise<DarajaStandIn | null> {
  if (process.env.DARAJA_BASE_URL || !options.embedded) return null;
  const standIn = await startDarajaStandIn({
    port: Number(process.env.DARAJA_STAND_IN_PORT ?? 0),
    callbackDelayMs: Number(process.env.DARAJA_CALLBACK_DELAY_MS ?? 3_000),
  });
  process.env.DARAJA_BASE_URL = standIn.url;
  options.step(`M-Pesa: local Daraja stand-in on ${standIn.url} (the payer phone's last four digits pick the outcome: docs/MPESA.md)`);
  return standIn;
}
