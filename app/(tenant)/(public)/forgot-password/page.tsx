import type { Metadata } from "next";
import { tenantRequest } from "@/lib/context/request";

export const metadata: Metadata = { title: "Forgot password" };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ sent?: string }> }) {
  const { org } = await tenantRequest();
  const sent = (await searchParams).sent === "1";
  return (
    <main className="mx-auto max-w-sm px-6 py-20">
      <h1 className="text-2xl font-semibold">{org.name}</h1>
      {sent ? (
        <p role="status" className="mt-4 text-sm">
          If that email belongs to an account here, we have sent it a link to choose a new password. The link works once, for 4 hours.
        </p>
      ) : (
        <form method="post" action="/forgot-password/submit" className="mt-8 space-y-4">
          <p className="text-sm text-gray-600">Enter your email and we will send you a link to choose a new password.</p>
          <label className="block text-sm font-medium">
            Email
            <input name="email" type="email" autoComplete="username" required className="field mt-1" />
          </label>
          <button type="submit" className="btn w-full justify-center">
            Send the link
          </button>
        </form>
      )}
      <p className="mt-6 text-sm">
        <a href="/login" className="underline">
          Back to sign in
        </a>
      </p>
    </main>
  );
}
