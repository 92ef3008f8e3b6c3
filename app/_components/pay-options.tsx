import type { FormAction } from "@/lib/actions/form-state";
import { ActionButton } from "./action-button";
import { PayWithMpesa } from "./pay-with-mpesa";

/**
 * The two ways to pay one invoice, the same on "My dues" and on a pay link:
 * "Pay by card" (to the club's Stripe Checkout, and back) and "Pay with
 * M-Pesa" (an STK push to the payer's phone). `hidden` names the invoice:
 * its id for a member, the link's token for a link holder.
 */
export function PayOptions({
  hidden,
  amount,
  currency,
  card,
  mpesa,
  progressUrl,
}: {
  hidden: Record<string, string>;
  amount: string;
  currency: string;
  card: FormAction;
  mpesa: FormAction<{ paymentId: string; customerMessage: string }>;
  progressUrl: string;
}) {
  return (
    <div className="mt-4 grid gap-6 sm:grid-cols-2" data-testid="pay-options">
      <div>
        <h3 className="text-sm font-semibold">Card</h3>
        <p className="mb-2 text-sm text-gray-600">On Stripe&apos;s secure page; you come back here afterwards.</p>
        <ActionButton action={card} hidden={hidden} label="Pay by card" buttonClassName="btn" />
      </div>
      {currency === "KES" ? (
        <div>
          <h3 className="text-sm font-semibold">M-Pesa</h3>
          <p className="mb-2 text-sm text-gray-600">We send a request to your phone; enter your PIN there.</p>
          <PayWithMpesa action={mpesa} hidden={hidden} progressUrl={progressUrl} amount={amount} />
        </div>
      ) : null}
    </div>
  );
}
