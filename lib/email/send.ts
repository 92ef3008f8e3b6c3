import type { ReactElement } from "react";
import { Resend } from "resend";
import { appDb } from "../db/clients";
import { env } from "../env";

/**
 * The one way to send an email. Give it the recipient, a subject, a React
 * template (rendered to HTML here) and its plain-text fallback. With
 * RESEND_API_KEY it goes through Resend; without, into the outbox table,
 * which /dev/outbox shows outside production and tests read.
 */
export type EmailMessage = { to: string; subject: string; react: ReactElement; text: string };

export async function sendEmail(message: EmailMessage): Promise<void> {
  // Loaded here rather than at the top: Next refuses react-dom/server in a Server Component's static imports.
  const { renderToStaticMarkup } = await import("react-dom/server");
  const html = `<!doctype html>${renderToStaticMarkup(message.react)}`;
  const e = env();
  if (e.RESEND_API_KEY) {
    const { error } = await new Resend(e.RESEND_API_KEY).emails.send({ from: e.EMAIL_FROM, to: message.to, subject: message.subject, html, text: message.text });
    if (error) throw new Error(`Resend refused the email: ${error.name}`);
    return;
  }
  await appDb().emailOutbox.create({ data: { to: message.to, subject: message.subject, html, text: message.text } });
}
