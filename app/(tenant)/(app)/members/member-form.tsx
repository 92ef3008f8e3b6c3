"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/result";

type Values = { id?: string; firstName?: string; lastName?: string; email?: string | null; phone?: string | null };

const FIELDS = [
  { name: "firstName", label: "First name", type: "text", required: true },
  { name: "lastName", label: "Last name", type: "text", required: true },
  { name: "email", label: "Email", type: "email", required: false },
  { name: "phone", label: "Phone", type: "tel", required: false },
] as const;

export function MemberForm({
  action,
  values = {},
  submitLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  values?: Values;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const shown: Values = state && !state.ok && state.values ? state.values : values;
  return (
    <form action={formAction} className="mt-6 max-w-md space-y-4" noValidate>
      {values.id ? <input type="hidden" name="id" value={values.id} /> : null}
      {FIELDS.map((field) => (
        <label key={field.name} className="block text-sm font-medium">
          {field.label}
          <input
            name={field.name}
            type={field.type}
            defaultValue={shown[field.name] ?? ""}
            aria-invalid={errors[field.name] ? true : undefined}
            aria-describedby={errors[field.name] ? `${field.name}-error` : undefined}
            className="field mt-1"
          />
          {errors[field.name] ? (
            <span id={`${field.name}-error`} className="mt-1 block text-sm text-red-700">
              {errors[field.name].join(" ")}
            </span>
          ) : null}
        </label>
      ))}
      {state ? (
        <p role="status" className={state.ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
          {state.message}
        </p>
      ) : null}
      <button type="submit" className="btn" disabled={pending}>
        {submitLabel}
      </button>
    </form>
  );
}
