/**
 * A plain form posting to /login/submit: the answer over the rate limit is an
 * HTTP 429 page, which only a real form submission can show as it is.
 */
export function LoginForm({ next, error }: { next: string; error: string | null }) {
  return (
    <form method="post" action="/login/submit" className="mt-8 space-y-4">
      <input type="hidden" name="next" value={next} />
      <label className="block text-sm font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required className="field mt-1" />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="field mt-1" />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
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
