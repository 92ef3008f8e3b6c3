import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { latestOutboxEmails } from "@/lib/queries/outbox";

export const metadata: Metadata = { title: "Outbox" };

/** Emails that were not sent (no RESEND_API_KEY), for development only: production answers 404. */
export default async function OutboxPage() {
  if (process.env.NODE_ENV === "production") notFound();
  const emails = await latestOutboxEmails();
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-semibold">Outbox</h1>
      <ul className="mt-6 space-y-6">
        {emails.map((email) => (
          <li key={email.id} className="rounded border p-4">
            <p className="text-sm text-gray-600">
              {email.createdAt.toISOString()} to {email.to}
            </p>
            <p className="font-medium">{email.subject}</p>
            <pre className="mt-2 whitespace-pre-wrap text-sm">{email.text}</pre>
          </li>
        ))}
      </ul>
    </main>
  );
}
