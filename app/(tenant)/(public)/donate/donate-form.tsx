"use client";

import { FieldError, fieldErrorProps } from "@/app/_components/field-error";
import { PayWithMpesa } from "@/app/_components/pay-with-mpesa";
import type { FormAction } from "@/lib/actions/form-state";

const TEXT_FIELDS = [
  { name: "name", label: "Your name", autoComplete: "name", type: "text" },
  { name: "email", label: "Email (for your receipt)", autoComplete: "email", type: "email" },
  { name: "address", label: "Postal address (optional, printed on the receipt)", autoComplete: "street-address", type: "text" },
  { name: "amount", label: "Amount (KES)", autoComplete: "off", type: "text" },
] as const;

/**
 * The public donation form: the donor and the amount, then either the M-Pesa
 * phone and the wait for it (app/_components/pay-with-mpesa.tsx) or "Give by
 * card" to Stripe Checkout and back. The one-time key rides along hidden, so
 * a double submission finds the first donation.
 */
export function DonateForm({
  action,
  card,
  idempotencyKey,
  funds,
}: {
  action: FormAction<{ paymentId: string; customerMessage: string }>;
  card: FormAction;
  idempotencyKey: string;
  funds: string[];
}) {
  return (
    <PayWithMpesa
      action={action}
      card={{ action: card, label: "Give by card" }}
      hidden={{ idempotencyKey }}
      progressUrl="/donate/progress"
      amount="your gift"
      submitLabel="Give with M-Pesa"
      fields={({ values, errors }) => (
        <>
          {TEXT_FIELDS.map((field) => (
            <label key={field.name} className="block text-sm font-medium">
              {field.label}
              <input
                name={field.name}
                type={field.type}
                autoComplete={field.autoComplete}
                defaultValue={values[field.name] ?? ""}
                className="field mt-1"
                {...fieldErrorProps(field.name, errors[field.name])}
              />
              <FieldError name={field.name} errors={errors[field.name]} />
            </label>
          ))}
          <label className="block text-sm font-medium">
            Fund or campaign (optional)
            <input name="fund" list="funds" defaultValue={values.fund ?? ""} className="field mt-1" {...fieldErrorProps("fund", errors.fund)} />
            <datalist id="funds">
              {funds.map((fund) => (
                <option key={fund} value={fund} />
              ))}
            </datalist>
            <FieldError name="fund" errors={errors.fund} />
          </label>
        </>
      )}
    />
  );
}
