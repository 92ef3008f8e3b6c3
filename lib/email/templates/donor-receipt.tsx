import { formatMoney } from "../../dues/money";

/**
 * A donor's receipt by email: the number, the amount, and a signed link that
 * downloads the PDF without signing in (lib/donations/receipt-link.ts). It
 * names the donor by name only; the address stays in the PDF behind the link.
 */
export type DonorReceiptEmailProps = {
  organizationName: string;
  donorName: string;
  number: string;
  amountMinor: number;
  currency: string;
  cancellation: boolean;
  /** A cancellation for a gift refunded in full: no receipt follows it. */
  refunded: boolean;
  downloadLink: string;
};

export function donorReceiptSubject({ organizationName, number, cancellation }: DonorReceiptEmailProps): string {
  return cancellation ? `${organizationName}: receipt cancelled (${number})` : `${organizationName}: your donation receipt ${number}`;
}

function summary({ organizationName, number, amountMinor, currency, cancellation, refunded }: DonorReceiptEmailProps): string {
  const amount = formatMoney(amountMinor, currency);
  if (cancellation && refunded) return `${organizationName} has refunded your gift of ${amount}; ${number} cancels its receipt, and no receipt replaces it.`;
  return cancellation
    ? `${organizationName} has cancelled a receipt for ${amount}; ${number} records the cancellation, and a corrected receipt follows.`
    : `Thank you for your gift of ${amount} to ${organizationName}. Your receipt number is ${number}.`;
}

const LINK_NOTE = "The link downloads this receipt only, without signing in, and expires after 90 days.";

export function DonorReceiptEmail(props: DonorReceiptEmailProps) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}>
        <h1 style={{ fontSize: "20px" }}>{donorReceiptSubject(props)}</h1>
        <p>Dear {props.donorName},</p>
        <p>{summary(props)}</p>
        <p>
          <a href={props.downloadLink}>Download the receipt (PDF)</a>
        </p>
        <p>{LINK_NOTE}</p>
      </body>
    </html>
  );
}

export function donorReceiptText(props: DonorReceiptEmailProps): string {
  return [`Dear ${props.donorName},`, "", summary(props), "", `Download the receipt (PDF): ${props.downloadLink}`, "", LINK_NOTE].join("\n");
}
