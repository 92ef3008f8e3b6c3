import { CredentialFields } from "@/app/_components/credential-fields";
import { FormStatus } from "@/app/_components/form-status";

/**
 * A plain form posting to /login/submit: the answer over the rate limit is an
 * HTTP 429 page, which only a real form submission can show as it is.
 */
export function LoginForm({ next, error }: { next: string; error: string | null }) {
  return (
    <form method="post" action="/login/submit" className="mt-8 space-y-4">
      <input type="hidden" name="next" value={next} />
      <CredentialFields />
      <FormStatus state={error ? { ok: false, message: error } : null} role="alert" />
      <button type="submit" className="btn w-full justify-center">
        Sign in
      </button>
      <p className="text-sm">
        <a href="/forgot-password" className="underline">
          Forgot your password?
        </a>
      </p>
    </form>
  );
}
