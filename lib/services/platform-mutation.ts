import { z } from "zod";
import type { Capability } from "../authz/capabilities";
import { withPlatform, type PlatformTx } from "../db/platform";
import { chainOrder, defineAudited, type AuditedResult } from "./mutation";

/** Whoever may call a platform mutation: a platform admin, an operator command, or an organisation's member (an owner granting support). */
export type PlatformSubject = { userId: string | null; label: string; ip: string | null; capabilities: ReadonlySet<Capability> };

export type PlatformMutationDefinition<S extends z.ZodType, R, A extends PlatformSubject> = {
  /** Audit action code, e.g. "organization.suspend". */
  action: string;
  capability: Capability;
  input: S;
  /** Says which organisations it touched (each one's chain records the change too) and what to audit. */
  run: (tx: PlatformTx, input: z.infer<S>, actor: A) => Promise<AuditedResult<R> & { organizationIds: string[] }>;
};

/**
 * defineMutation's twin for changes that cross the tenant line: a platform
 * transaction (BYPASSRLS), and the same audit entry on the platform chain
 * and on the chain of each organisation it touched (none, one, or several
 * for a notice), all in the transaction.
 */
export function definePlatformMutation<S extends z.ZodType, R, A extends PlatformSubject = PlatformSubject>(def: PlatformMutationDefinition<S, R, A>) {
  return defineAudited<S, A, PlatformTx, R>({
    ...def,
    kind: "platform",
    transaction: (_actor, fn) => withPlatform(fn),
    run: async (tx, input, actor) => {
      const { organizationIds, ...done } = await def.run(tx, input, actor);
      return { ...done, chains: chainOrder([null, ...organizationIds]) };
    },
  });
}
