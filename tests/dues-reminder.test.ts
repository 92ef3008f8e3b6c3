import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { DuesReminderEmail, duesReminderSubject, duesReminderText, type DuesReminderEmailProps } from "@/lib/email/templates/dues-reminder";

const props: DuesReminderEmailProps = {
  organizationName: "Rotary Club of Kilimani",
  firstName: "Wanjiku",
  periodLabel: "Jul–Sep 2026",
  dueOn: "2026-07-31",
  amountDueMinor: 150_000,
  currency: "KES",
  payLink: "https://kilimani.harambee.africa/pay/eyJhbGciOiJIUzI1NiJ9.e30.sig",
  overdue: false,
};
const html = (p: DuesReminderEmailProps) => renderToStaticMarkup(DuesReminderEmail(p)).replace(/\u00a0/g, " ");

describe("the dues reminder email", () => {
  test("says when dues are due, how much, to which club, with a Pay now link", () => {
    expect(duesReminderSubject(props)).toBe("Your dues for Jul–Sep 2026 are due on 31 July 2026");
    const body = html(props);
    expect(body).toContain("Your dues for Jul–Sep 2026 are due on 31 July 2026");
    expect(body).toContain("Hello Wanjiku,");
    expect(body).toContain("Your Rotary Club of Kilimani dues for Jul–Sep 2026 come to Ksh 1,500.00, due on 31 July 2026.");
    expect(body).toContain(`<a href="${props.payLink}">Pay now</a>`);
  });

  test("says when they are overdue and what is still unpaid", () => {
    const overdue = { ...props, overdue: true, amountDueMinor: 75_000 };
    expect(duesReminderSubject(overdue)).toBe("Your dues for Jul–Sep 2026 are overdue");
    expect(html(overdue)).toContain("Ksh 750.00 of your Rotary Club of Kilimani dues for Jul–Sep 2026 is still unpaid. It was due on 31 July 2026.");
  });

  test("has a plain-text twin with the same words and the link spelled out", () => {
    const text = duesReminderText(props).replace(/\u00a0/g, " ");
    expect(text.split("\n")[0]).toBe(duesReminderSubject(props));
    expect(text).toContain("Hello Wanjiku,");
    expect(text).toContain("come to Ksh 1,500.00");
    expect(text).toContain(`Pay now: ${props.payLink}`);
  });

  test("escapes what members and clubs typed", () => {
    const body = html({ ...props, firstName: "<script>x</script>", organizationName: "A & B" });
    expect(body).not.toContain("<script>");
    expect(body).toContain("&lt;script&gt;");
    expect(body).toContain("A &amp; B");
  });
});
