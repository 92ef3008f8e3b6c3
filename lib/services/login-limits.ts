import { consume, type LimitName, type LimitOutcome } from "../ratelimit/limits";
import { defineRefusal } from "./identity-mutation";

/**
 * Counts an attempt against its rate limits before any password or code is
 * checked (promise M3.5), and audits every refused one in the organisation's
 * trail (the address, not the account typed: that could be anyone's), or in
 * the platform's for an apex session's two-factor code.
 */
export type Attempt = { organizationId: string | null; ip: string | null };

const REFUSALS = {
  login: defineRefusal("auth.login_rate_limited", "Sign-in refused: too many attempts", "nothing"),
  reset: defineRefusal("auth.reset_rate_limited", "Password-reset request refused: too many requests", "nothing"),
  totp: defineRefusal("auth.totp_rate_limited", "Two-factor code refused: too many attempts", "nothing"),
};

async function admit(attempt: Attempt, kind: keyof typeof REFUSALS, checks: [LimitName, string][]): Promise<LimitOutcome> {
  for (const [name, key] of checks) {
    const outcome = await consume(name, key);
    if (outcome.ok) continue;
    await REFUSALS[kind]({ organizationId: attempt.organizationId, userId: null, label: "rate limiter", ip: attempt.ip }, {});
    return outcome;
  }
  return { ok: true };
}

/** 5 per IP per window, then 10 per account per window (guessing one account from many addresses). */
export const admitLogin = (attempt: Attempt & { email: string }) =>
  admit(attempt, "login", [
    ["login", attempt.ip ?? "unknown"],
    ["loginAccount", attempt.email.trim()],
  ]);

export const admitResetRequest = (attempt: Attempt) => admit(attempt, "reset", [["reset", attempt.ip ?? "unknown"]]);

export const admitTotp = (attempt: Attempt & { userId: string }) => admit(attempt, "totp", [["totp", attempt.userId]]);
