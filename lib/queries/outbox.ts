import { appDb } from "../db/clients";

/** The latest emails kept in the outbox (no RESEND_API_KEY), for /dev/outbox outside production. */
export function latestOutboxEmails(limit = 50) {
  return appDb().emailOutbox.findMany({ orderBy: { createdAt: "desc" }, take: limit, select: { id: true, to: true, subject: true, text: true, createdAt: true } });
}
