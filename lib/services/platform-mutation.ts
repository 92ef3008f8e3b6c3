import { z } from "zod";
import { appendAudit, type AuditRecord } from "../audit/append";
import { can, type Capability } from "../authz/capabilities";
import { withPlatform, type PlatformTx } from "../db/platform";
import { invalidError, notFoundError } from "../errors";
import { mutationRegistry } from "./mutation";

/** Whoever may call a platform mutation: a platform admin, or an organisation's member (an owner granting support). */
export type PlatformSubject = { userId: string | null; label: string; ip: string | null; capabilities: ReadonlySet<Capability> };

export type PlatformMutationDefinition<S extends z.ZodType, R, A extends PlatformSubject> = {
  /** Audit action code, e.g. "organization.suspend". */
  action: string;
  capability: Capability;
  input: S;
  /** Says which organisations it touched (each one's chain records the change too) and what to audit. */
  run: (
    tx: PlatformTx,
    input: z.infer<S>,
    actor: A,
  ) => Promise<{ result: R; organizationIds: string[]; audit: Omit<AuditRecord, "action"> }>;
};

/**
 * defineMutation's twin for changes that cross the tenant line: authorize →
 * validate → platform transaction (BYPASSRLS) → run → the same audit entry on
 * the platform chain and on the chain of each organisation it touched (one,
 * or several for a notice), all in the transaction. Registered with the tenant
 * mutations, so the route manifest checks its capability the same way.
 */
export function definePlatformMutation<S extends z.ZodType, R, A extends PlatformSubject>(def: PlatformMutationDefinition<S, R, A>) {
  if (mutationRegistry.has(def.action)) throw new Error(`Mutation ${def.action} is defined twice`);
  mutationRegistry.set(def.action, { action: def.action, capability: def.capability });

  const mutate = async (actor: A, raw: unknown): Promise<R> => {
    if (!can(actor, def.capability)) throw notFoundError();
    const parsed = def.input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      throw invalidError("Please correct the highlighted fields.", fieldErrors);
    }
    return withPlatform(async (tx) => {
      const { result, organizationIds, audit } = await def.run(tx, parsed.data, actor);
      const who = { id: actor.userId, label: actor.label, ip: actor.ip };
      await appendAudit(tx, null, who, { action: def.action, ...audit });
      // Chains locked in one order, so two notices over overlapping organisations cannot deadlock.
      for (const organizationId of [...new Set(organizationIds)].sort()) await appendAudit(tx, organizationId, who, { action: def.action, ...audit });
      return result;
    });
  };
  return Object.assign(mutate, { action: def.action, capability: def.capability, input: def.input });
}
