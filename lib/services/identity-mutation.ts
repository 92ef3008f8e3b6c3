import { z } from "zod";
import type { IdentitySubject } from "../authz/actor";
import { withSessionSide } from "../db/platform";
import type { TenantTx } from "../db/tenant";
import { defineAudited, type AuditedResult } from "./mutation";

export type IdentityMutationDefinition<S extends z.ZodType, R, Sub extends IdentitySubject> = {
  /** Audit action code, e.g. "auth.login". */
  action: string;
  input: S;
  run: (tx: TenantTx, input: z.infer<S>, subject: Sub) => Promise<AuditedResult<R>>;
};

/**
 * A person's change to their own login: signing in and out, two-factor,
 * passwords, and the refusals worth recording. There is no membership to
 * ask a capability of yet (or it is beside the point), so no capability
 * guards it: its service checks what the person proved — a password, a live
 * session, a reset token — and calls it only then, with input it built
 * itself (never a form's fields as they came). The transaction and the chain
 * are the side the person acts on: their organisation's (RLS), or the
 * platform's for an apex session.
 */
export function defineIdentityMutation<S extends z.ZodType, R, Sub extends IdentitySubject = IdentitySubject>(def: IdentityMutationDefinition<S, R, Sub>) {
  return defineAudited<S, Sub, TenantTx, R>({
    ...def,
    capability: null,
    kind: "identity",
    transaction: (subject, fn) => withSessionSide(subject.organizationId, fn),
    run: async (tx, input, subject) => ({ ...(await def.run(tx, input, subject)), chains: [subject.organizationId] }),
  });
}

/**
 * A refusal worth recording (a failed sign-in, an attempt over a rate limit):
 * it changes nothing but the trail, and names the account tried when there is one.
 */
export function defineRefusal(action: string, summary: string, about: "account" | "nothing") {
  return defineIdentityMutation({
    action,
    input: z.object({}),
    run: async (_tx, _input, subject) => ({
      result: null,
      audit: about === "account" ? { summary, targetType: "User", targetId: subject.userId } : { summary },
    }),
  });
}
