"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/result";

export type FormField = {
  name: string;
  label: string;
  type?: "text" | "number" | "password";
  /** A select instead of a text input. */
  options?: { value: string; label: string }[];
};

/**
 * A server-action form with field messages beside each field. Hidden values
 * (ids) ride along; what the user typed is shown again after a refusal.
 */
export function ActionForm({
  action,
  fields,
  hidden = {},
  values = {},
  submitLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  fields: FormField[];
  hidden?: Record<string, string>;
  values?: Record<string, string>;
  submitLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const shown = state && !state.ok && state.values ? state.values : values;
  return (
    <form action={formAction} className="mt-6 max-w-md space-y-4" noValidate>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => {
        const common = {
          name: field.name,
          defaultValue: shown[field.name] ?? "",
          "aria-invalid": errors[field.name] ? true : undefined,
          "aria-describedby": errors[field.name] ? `${field.name}-error` : undefined,
          className: "field mt-1",
        };
        return (
          <label key={field.name} className="block text-sm font-medium">
            {field.label}
            {field.options ? (
              <select {...common}>
                {field.options.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : (
              <input type={field.type ?? "text"} {...common} />
            )}
            {errors[field.name] ? (
              <span id={`${field.name}-error`} className="mt-1 block text-sm text-red-700">
                {errors[field.name].join(" ")}
              </span>
            ) : null}
          </label>
        );
      })}
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
