import { z } from "zod";
import type { Capability } from "../authz/capabilities";
import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant, type TenantTx } from "../db/tenant";
import { appendAudit, type AuditRecord } from "../audit/append";
import { invalidError, notFoundError } from "../errors";

export type MutationDefinition<S extends z.ZodType, R> = {
  /** Audit action code, e.g. "member.create". */
  action: string;
  capability: Capability;
  input: S;
  run: (tx: TenantTx, input: z.infer<S>, actor: Actor) => Promise<{ result: R; audit: Omit<AuditRecord, "action"> }>;
};

export type Mutation<S extends z.ZodType, R> = ((actor: Actor, raw: unknown) => Promise<R>) & {
  action: string;
  capability: Capability;
  input: S;
};

/** Every mutation the app can perform, by action code (tests enumerate it). */
export const mutationRegistry = new Map<string, { action: string; capability: Capability }>();

/**
 * The one way state changes: authorize → validate → tenant transaction (RLS) →
 * run → audit entry in the same transaction → commit. A forbidden actor gets
 * the same not-found as a missing object (promise M4.4); `run` must say what
 * to audit, so no mutation can skip the trail (promise M5.1).
 */
export function defineMutation<S extends z.ZodType, R>(def: MutationDefinition<S, R>): Mutation<S, R> {
  if (mutationRegistry.has(def.action)) throw new Error(`Mutation ${def.action} is defined twice`);
  mutationRegistry.set(def.action, { action: def.action, capability: def.capability });

  const mutate = async (actor: Actor, raw: unknown): Promise<R> => {
    if (!can(actor, def.capability)) throw notFoundError();
    const parsed = def.input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      throw invalidError("Please correct the highlighted fields.", fieldErrors);
    }
    return withTenant(actor.organizationId, async (tx) => {
      const { result, audit } = await def.run(tx, parsed.data, actor);
      await appendAudit(tx, actor.organizationId, { id: actor.userId, label: actor.label, ip: actor.ip }, {
        action: def.action,
        ...audit,
      });
      return result;
    });
  };
  return Object.assign(mutate, { action: def.action, capability: def.capability, input: def.input });
}
