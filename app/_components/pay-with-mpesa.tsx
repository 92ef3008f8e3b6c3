"use client";

import { useActionState, useEffect, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { FormAction } from "@/lib/actions/form-state";
import type { PaymentProgress } from "@/lib/queries/payment-progress";
import { FieldError, fieldErrorProps } from "./field-error";
import { FormStatus } from "./form-status";

type Started = { paymentId: string; customerMessage: string };
/** What the progress URL answers; a donation's also carries its receipt's signed link once issued. */
type Progress = PaymentProgress & { receiptUrl?: string | null };
/** Fields asked before the phone (the donation form's donor and amount), shown again with their messages after a refusal. */
export type ExtraFields = (shown: { values: Record<string, string>; errors: Record<string, string[] | undefined> }) => ReactNode;

/** How often the page asks how the payment stands, and how long before it says "we'll confirm shortly". */
const POLL_MS = 2_000;
const SLOW_POLL_MS = 10_000;
const WAIT_MS = 90_000;

/**
 * "Pay with M-Pesa": the payer's phone, then an STK push, then a live
 * "waiting for your phone" state that asks `progressUrl` how the payment
 * stands until M-Pesa answers: paid, cancelled, failed (with the reason), or
 * still unknown after a while ("we'll confirm shortly", while it keeps asking).
 * Each try is a fresh form, so "Try again" starts over.
 */
export function PayWithMpesa({
  action,
  hidden,
  progressUrl,
  amount,
  fields,
  submitLabel,
  card,
}: {
  action: FormAction<Started>;
  hidden: Record<string, string>;
  progressUrl: string;
  amount: string;
  fields?: ExtraFields;
  submitLabel?: string;
  card?: CardButton;
}) {
  const [attempt, setAttempt] = useState(0);
  return <MpesaAttempt key={attempt} action={action} hidden={hidden} progressUrl={progressUrl} amount={amount} fields={fields} submitLabel={submitLabel} card={card} retry={() => setAttempt((n) => n + 1)} />;
}

/** A second button on the same fields that pays by card instead (the donation form): its action redirects to Stripe Checkout. */
export type CardButton = { action: FormAction; label: string };

const noCard: FormAction = async () => null;

function MpesaAttempt({
  action,
  hidden,
  progressUrl,
  amount,
  fields,
  submitLabel = "Pay with M-Pesa",
  card,
  retry,
}: {
  action: FormAction<Started>;
  hidden: Record<string, string>;
  progressUrl: string;
  amount: string;
  fields?: ExtraFields;
  submitLabel?: string;
  card?: CardButton;
  retry: () => void;
}) {
  const [mpesaState, formAction, mpesaPending] = useActionState(action, null);
  const [cardState, cardAction, cardPending] = useActionState(card?.action ?? noCard, null);
  // The refusal shown is the one for the button pressed last.
  const [pressed, setPressed] = useState<"mpesa" | "card">("mpesa");
  if (mpesaState?.ok && mpesaState.data) return <Waiting started={mpesaState.data} progressUrl={progressUrl} amount={amount} retry={retry} />;
  const state = pressed === "card" ? cardState : mpesaState;
  const pending = mpesaPending || cardPending;
  const errors = state && !state.ok ? state.fieldErrors : {};
  const values = (state && !state.ok ? state.values : undefined) ?? {};
  const typed = values.phone;
  return (
    <form action={formAction} className="space-y-2" data-testid="pay-mpesa" noValidate>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields ? fields({ values, errors }) : null}
      <label className="block text-sm font-medium">
        M-Pesa phone number{card ? " (not needed to pay by card)" : ""}
        <input name="phone" type="tel" inputMode="tel" autoComplete="tel" placeholder="0712 345 678" defaultValue={typed ?? ""} className="field mt-1" {...fieldErrorProps("phone", errors.phone)} />
        <FieldError name="phone" errors={errors.phone} />
      </label>
      <FormStatus state={state && !state.ok && (fields || !errors.phone) ? state : null} />
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn" disabled={pending} onClick={() => setPressed("mpesa")}>
          {mpesaPending ? "Sending the request…" : submitLabel}
        </button>
        {card ? (
          <button type="submit" formAction={cardAction} className="btn" disabled={pending} onClick={() => setPressed("card")}>
            {cardPending ? "Opening the card page…" : card.label}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function Waiting({ started, progressUrl, amount, retry }: { started: Started; progressUrl: string; amount: string; retry: () => void }) {
  const router = useRouter();
  const [progress, setProgress] = useState<Progress>({ state: "waiting", message: null });
  const [slow, setSlow] = useState(false);
  const final = progress.state !== "waiting" && progress.state !== "none";

  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), WAIT_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (final) return;
    let stopped = false;
    const timer = setTimeout(
      async () => {
        try {
          const response = await fetch(`${progressUrl}?payment=${encodeURIComponent(started.paymentId)}`, { cache: "no-store" });
          if (response.ok && !stopped) setProgress((await response.json()) as Progress);
        } catch {
          // A dropped request: the next tick asks again.
        }
      },
      slow ? SLOW_POLL_MS : POLL_MS,
    );
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [progress, slow, final, progressUrl, started.paymentId]);

  // The invoice list and history on the page come from the ledger: show them settled.
  useEffect(() => {
    if (progress.state === "paid") router.refresh();
  }, [progress.state, router]);

  if (progress.state === "paid") {
    return (
      <div role="status" data-testid="mpesa-result" data-state="paid" className="space-y-2 text-sm text-green-700">
        <p>Paid. {progress.message}</p>
        {progress.receiptUrl ? (
          <p>
            <a href={progress.receiptUrl} className="underline" data-testid="receipt-link">
              Download your receipt (PDF)
            </a>
          </p>
        ) : null}
      </div>
    );
  }
  if (final) {
    return (
      <div data-testid="mpesa-result" data-state={progress.state} className="space-y-2">
        <p role="alert" className="text-sm text-red-700">
          {progress.state === "cancelled" ? "Payment cancelled. " : "Payment failed. "}
          {progress.message}
        </p>
        <button type="button" className="btn-quiet" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <div role="status" data-testid="mpesa-result" data-state={slow ? "slow" : "waiting"} className="space-y-1 text-sm">
      <p className="font-medium">Waiting for your phone…</p>
      <p>
        Check your phone and enter your M-Pesa PIN to pay {amount}. {started.customerMessage}
      </p>
      {slow ? <p>M-Pesa has not answered yet. If you entered your PIN, we&apos;ll confirm the payment shortly; this page updates by itself.</p> : null}
    </div>
  );
}
