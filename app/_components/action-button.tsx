"use client";

import { useActionState } from "react";
import type { FormAction } from "@/lib/actions/form-state";
import { FormStatus } from "./form-status";

/**
 * A form that is one button: hidden values (ids) and a label. It answers by
 * redirecting or re-rendering the page, so only a refusal is shown, under
 * the button, instead of being lost.
 */
export function ActionButton<D>({
  action,
  hidden = {},
  label,
  className,
  buttonClassName = "btn-quiet",
}: {
  action: FormAction<D>;
  hidden?: Record<string, string>;
  label: string;
  className?: string;
  buttonClassName?: string;
}) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className={className}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={buttonClassName}>
        {label}
      </button>
      <FormStatus state={state?.ok ? null : state} className="mt-1" />
    </form>
  );
}
