/**
 * A notice from the platform to an organisation's owners: an incident
 * (promise M10.2) or a sub-processor change, which states the earliest day it
 * takes effect (promise B4.2). The body is the admin's plain text, shown as
 * written (React escapes it; paragraphs split on blank lines).
 */
export type PlatformNoticeEmailProps = { organizationName: string; subject: string; body: string; effectiveFrom: Date | null };

const day = (date: Date) => date.toISOString().slice(0, 10);
const paragraphs = (body: string) => body.split(/\n\s*\n/);

function effectiveLine(effectiveFrom: Date) {
  return `This change takes effect no sooner than ${day(effectiveFrom)}, 30 days after this notice. If you object, reply before then.`;
}

function intro(organizationName: string, effectiveFrom: Date | null) {
  return effectiveFrom
    ? `You are receiving this as an owner of ${organizationName}: Harambee is changing the sub-processors that handle your organisation's data.`
    : `You are receiving this as an owner of ${organizationName}: a security incident may affect your organisation's data.`;
}

export function PlatformNoticeEmail({ organizationName, subject, body, effectiveFrom }: PlatformNoticeEmailProps) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}>
        <h1 style={{ fontSize: "20px" }}>{subject}</h1>
        <p>{intro(organizationName, effectiveFrom)}</p>
        {paragraphs(body).map((paragraph, i) => (
          <p key={i} style={{ whiteSpace: "pre-line" }}>
            {paragraph}
          </p>
        ))}
        {effectiveFrom ? (
          <p>
            <strong>{effectiveLine(effectiveFrom)}</strong>
          </p>
        ) : null}
      </body>
    </html>
  );
}

export function platformNoticeText({ organizationName, subject, body, effectiveFrom }: PlatformNoticeEmailProps): string {
  return [subject, "", intro(organizationName, effectiveFrom), "", body, ...(effectiveFrom ? ["", effectiveLine(effectiveFrom)] : [])].join("\n");
}
