/**
 * The answer to a submitted form, in green or red. Nothing is rendered while
 * there is no message, so a page has at most the status its forms produced.
 * A sign-in uses role "alert": a refusal there is the whole answer.
 */
export function FormStatus({
  state,
  role = "status",
  className = "",
}: {
  state: { ok: boolean; message?: string } | null;
  role?: "status" | "alert";
  className?: string;
}) {
  if (!state?.message) return null;
  return (
    <p role={role} className={`text-sm ${state.ok ? "text-green-700" : "text-red-700"} ${className}`.trim()}>
      {state.message}
    </p>
  );
}
