import { calendarDateLabel, type CalendarDate } from "../../dues/calendar-date";
import { formatMoney } from "../../dues/money";

/**
 * A reminder that a member's dues are due, or overdue, with a signed link
 * that pays them without signing in (lib/dues/pay-link.ts). It names the
 * member by first name only: an email can be forwarded or misdelivered.
 */
export type DuesReminderEmailProps = {
  organizationName: string;
  firstName: string;
  periodLabel: string;
  dueOn: CalendarDate;
  amountDueMinor: number;
  currency: string;
  payLink: string;
  overdue: boolean;
};

/** The headline, which is also the subject line. */
export function duesReminderSubject({ periodLabel, dueOn, overdue }: DuesReminderEmailProps): string {
  return overdue ? `Your dues for ${periodLabel} are overdue` : `Your dues for ${periodLabel} are due on ${calendarDateLabel(dueOn)}`;
}

function summary({ organizationName, periodLabel, dueOn, amountDueMinor, currency, overdue }: DuesReminderEmailProps): string {
  const amount = formatMoney(amountDueMinor, currency);
  return overdue
    ? `${amount} of your ${organizationName} dues for ${periodLabel} is still unpaid. It was due on ${calendarDateLabel(dueOn)}.`
    : `Your ${organizationName} dues for ${periodLabel} come to ${amount}, due on ${calendarDateLabel(dueOn)}.`;
}

const LINK_NOTE = "The link pays this invoice only, without signing in. If you have paid already, thank you: please ignore this email.";

export function DuesReminderEmail(props: DuesReminderEmailProps) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}>
        <h1 style={{ fontSize: "20px" }}>{duesReminderSubject(props)}</h1>
        <p>Hello {props.firstName},</p>
        <p>{summary(props)}</p>
        <p>
          <a href={props.payLink}>Pay now</a>
        </p>
        <p>{LINK_NOTE}</p>
      </body>
    </html>
  );
}

export function duesReminderText(props: DuesReminderEmailProps): string {
  return [duesReminderSubject(props), "", `Hello ${props.firstName},`, "", summary(props), "", `Pay now: ${props.payLink}`, "", LINK_NOTE].join("\n");
}
