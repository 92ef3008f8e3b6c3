"use client";

import { useActionState } from "react";
import type { FormAction } from "@/lib/actions/form-state";
import { FieldError, fieldErrorProps } from "./field-error";
import { FormStatus } from "./form-status";

/** A choice of a select or a checkbox list; `attributes` (data-*) let tests and scripts find a box. */
export type FieldChoice = { value: string; label: string; attributes?: Record<`data-${string}`, string> };

export type FormField =
  | { name: string; label: string; type?: "text" | "number" | "password" | "email" | "tel" | "textarea" }
  | { name: string; label: string; type: "select" | "checkboxes"; options: FieldChoice[] };

/**
 * A server-action form with field messages beside each field. Hidden values
 * (ids) ride along; what the user typed is shown again after a refusal,
 * since React resets the form (ticked boxes start unticked again).
 */
export function ActionForm<D>({
  action,
  fields,
  hidden = {},
  values = {},
  submitLabel,
  className = "mt-6 max-w-md space-y-4",
  testId,
}: {
  action: FormAction<D>;
  fields: FormField[];
  hidden?: Record<string, string>;
  values?: Record<string, string>;
  submitLabel: string;
  className?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const shown = state && !state.ok && state.values ? state.values : values;
  return (
    <form action={formAction} className={className} data-testid={testId} noValidate>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => (
        <Field key={field.name} field={field} value={shown[field.name] ?? ""} errors={errors[field.name]} />
      ))}
      <FormStatus state={state} />
      <button type="submit" className="btn" disabled={pending}>
        {submitLabel}
      </button>
    </form>
  );
}

function Field({ field, value, errors }: { field: FormField; value: string; errors: string[] | undefined }) {
  if (field.type === "checkboxes") {
    return (
      <fieldset {...fieldErrorProps(field.name, errors)}>
        <legend className="text-sm font-medium">{field.label}</legend>
        {field.options.map((option) => (
          <label key={option.value} className="mr-4 inline-flex items-center gap-1 text-sm">
            <input type="checkbox" name={field.name} value={option.value} {...option.attributes} />
            {option.label}
          </label>
        ))}
        <FieldError name={field.name} errors={errors} />
      </fieldset>
    );
  }
  const common = { name: field.name, defaultValue: value, className: "field mt-1", ...fieldErrorProps(field.name, errors) };
  return (
    <label className="block text-sm font-medium">
      {field.label}
      {field.type === "select" ? (
        <select {...common}>
          {field.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : field.type === "textarea" ? (
        <textarea rows={6} {...common} />
      ) : (
        <input type={field.type ?? "text"} {...common} />
      )}
      <FieldError name={field.name} errors={errors} />
    </label>
  );
}
