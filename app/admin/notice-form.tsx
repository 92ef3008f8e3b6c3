"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/result";

/**
 * A notice to organisation owners: subject and body, and for an incident the
 * organisations it concerns (checkboxes). A sub-processor change goes to
 * every active organisation, so it has no choice to make.
 */
export function NoticeForm({
  action,
  organizations,
  submitLabel,
  testId,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  organizations?: { id: string; name: string; slug: string }[];
  submitLabel: string;
  testId: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : {};
  const shown = state && !state.ok && state.values ? state.values : {};
  return (
    <form action={formAction} className="mt-4 max-w-2xl space-y-4" data-testid={testId} noValidate>
      {organizations ? (
        <fieldset>
          <legend className="text-sm font-medium">Organisations affected</legend>
          {organizations.map((org) => (
            <label key={org.id} className="mr-4 inline-flex items-center gap-1 text-sm">
              <input type="checkbox" name="organizationIds" value={org.id} data-organization={org.slug} />
              {org.name}
            </label>
          ))}
          {errors.organizationIds ? <p className="text-sm text-red-700">{errors.organizationIds.join(" ")}</p> : null}
        </fieldset>
      ) : null}
      <label className="block text-sm font-medium">
        Subject
        <input name="subject" defaultValue={shown.subject ?? ""} className="field mt-1" />
        {errors.subject ? <span className="block text-sm text-red-700">{errors.subject.join(" ")}</span> : null}
      </label>
      <label className="block text-sm font-medium">
        Notice
        <textarea name="body" rows={6} defaultValue={shown.body ?? ""} className="field mt-1" />
        {errors.body ? <span className="block text-sm text-red-700">{errors.body.join(" ")}</span> : null}
      </label>
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
