import { calendarDateOf } from "../dues/calendar-date";
import { signPayLink } from "../dues/pay-link";
import { parsePeriodKey } from "../dues/periods";
import { reminderStage, type ReminderStage } from "../dues/reminder-stage";
import { sendEmail } from "../email/send";
import { DuesReminderEmail, duesReminderSubject, duesReminderText, type DuesReminderEmailProps } from "../email/templates/dues-reminder";
import { env } from "../env";
import { invalidError, notFoundError } from "../errors";
import { invoicePaidMinor } from "../queries/ledger";
import { remindInvoiceInput } from "../schemas/dues";
import { organizationOrigin } from "../tenancy/origin";
import { afterCommit, defineMutation } from "./mutation";
import { onUniqueViolation } from "./unique-violation";

export const ALREADY_REMINDED = "This reminder has already been sent.";

/**
 * Records that a member is reminded of an unpaid invoice, at the stage its
 * due date puts it in today (lib/dues/reminder-stage.ts). The row's unique
 * key (invoice, stage) makes a second reminder of the same stage a conflict,
 * so a job that runs twice, or two runs at once, email once.
 */
export const recordDuesReminder = defineMutation({
  action: "dues.remind",
  capability: "dues:collect",
  input: remindInvoiceInput,
  run: async (tx, { invoiceId }, actor) => {
    const organizationId = actor.organizationId;
    const invoice = await tx.duesInvoice.findFirst({
      where: { id: invoiceId, organizationId },
      select: {
        id: true,
        status: true,
        period: true,
        dueOn: true,
        amountMinor: true,
        currency: true,
        member: { select: { firstName: true, email: true, status: true } },
        organization: { select: { slug: true, name: true } },
      },
    });
    if (!invoice) throw notFoundError();
    const balanceMinor = invoice.amountMinor - (await invoicePaidMinor(tx, organizationId, invoice.id));
    if (invoice.status !== "OPEN" || balanceMinor <= 0) throw invalidError("Nothing is owed on this invoice.");
    if (invoice.member.status !== "ACTIVE") throw invalidError("The member is archived.");
    if (!invoice.member.email) throw invalidError("The member has no email address.");
    const dueOn = calendarDateOf(invoice.dueOn);
    const stage: ReminderStage = reminderStage(dueOn, calendarDateOf(new Date(), "Africa/Nairobi"));
    const reminder = await tx.duesReminder
      .create({ data: { organizationId, invoiceId: invoice.id, stage }, select: { id: true } })
      .catch(onUniqueViolation({ stage: ["invoiceId", ALREADY_REMINDED] }));
    const email: Omit<DuesReminderEmailProps, "payLink"> = {
      organizationName: invoice.organization.name,
      firstName: invoice.member.firstName,
      periodLabel: parsePeriodKey(invoice.period)?.label ?? invoice.period,
      dueOn,
      amountDueMinor: balanceMinor,
      currency: invoice.currency,
      overdue: stage === "overdue",
    };
    return {
      result: { reminderId: reminder.id, invoiceId: invoice.id, organizationId, slug: invoice.organization.slug, stage, to: invoice.member.email, email },
      // Who was reminded is the invoice's payer: the entry names the invoice and stage, not the address.
      audit: { summary: `Dues reminder sent (${stage})`, targetType: "DuesInvoice", targetId: invoice.id, after: { stage, balanceMinor, currency: invoice.currency } },
    };
  },
});

type Recorded = Awaited<ReturnType<typeof recordDuesReminder>>;

/** The email, after the reminder is committed: a link that pays this one invoice without signing in. */
async function deliver(recorded: Recorded): Promise<{ invoiceId: string; stage: ReminderStage }> {
  const token = await signPayLink({ organizationId: recorded.organizationId, invoiceId: recorded.invoiceId }, { secret: env().AUTH_SECRET });
  const props = { ...recorded.email, payLink: `${organizationOrigin(recorded.slug)}/pay/${token}` };
  await sendEmail({ to: recorded.to, subject: duesReminderSubject(props), react: DuesReminderEmail(props), text: duesReminderText(props) });
  return { invoiceId: recorded.invoiceId, stage: recorded.stage };
}

/**
 * Reminds the payer of one invoice by email. At most once per stage: the
 * reminder is recorded before the email leaves, so an email that fails to
 * send is not retried by the next run (a reminder too few, never one too many).
 */
export const sendDuesReminder = afterCommit(recordDuesReminder, deliver);
