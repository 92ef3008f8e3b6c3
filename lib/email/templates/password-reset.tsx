/** The password-reset email: a link valid for four hours, once. */
export type PasswordResetEmailProps = { organizationName: string; link: string };

export function PasswordResetEmail({ organizationName, link }: PasswordResetEmailProps) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", lineHeight: 1.5 }}>
        <h1 style={{ fontSize: "20px" }}>Reset your {organizationName} password</h1>
        <p>Someone (we hope you) asked to reset the password of this account. The link works once, for the next 4 hours:</p>
        <p>
          <a href={link}>Choose a new password</a>
        </p>
        <p>If you did not ask for this, ignore this email: your password stays as it is.</p>
      </body>
    </html>
  );
}

export function passwordResetText({ organizationName, link }: PasswordResetEmailProps): string {
  return [
    `Reset your ${organizationName} password`,
    "",
    "Someone (we hope you) asked to reset the password of this account. The link works once, for the next 4 hours:",
    link,
    "",
    "If you did not ask for this, ignore this email: your password stays as it is.",
  ].join("\n");
}
