import { z } from "zod";
import { appendAudit, type AuditRecord } from "../audit/append";
import type { Actor } from "../authz/actor";
import { can, type Capability } from "../authz/capabilities";
import { withTenant, type TenantTx } from "../db/tenant";
import { invalidError, notFoundError } from "../errors";
import { holdable } from "../schemas/text";
import { inTurn } from "./organization-turns";

/**
 * The one way state changes. Three wrappers, one core:
 * - `defineMutation` (here): a member's change inside their organisation;
 * - `definePlatformMutation`: a change that crosses the tenant line;
 * - `defineIdentityMutation`: sign-in, sign-out, two-factor, passwords — a
 *   person's change to their own login, made before a membership is checked.
 * Each is `defineAudited` with its own transaction and chains. Nothing else
 * in lib/services or app/ opens a transaction or appends to the trail (lint).
 */
export type AuditedResult<R> = { result: R; audit: Omit<AuditRecord, "action"> };

/** Whoever acts: enough to authorize (when a capability guards the change) and to audit. */
type Subject = { userId: string | null; label: string; ip: string | null; capabilities?: ReadonlySet<Capability> };

export type MutationKind = "tenant" | "platform" | "identity";

export type RegisteredMutation = {
  action: string;
  /** null for identity mutations: what authorizes them (a password, a live session, a token) is checked by their service. */
  capability: Capability | null;
  kind: MutationKind;
  mutate: (subject: never, raw: unknown) => Promise<unknown>;
};

/** Every mutation the app can perform, by action code: the audit test calls each, the route manifest reads capabilities here. */
export const mutationRegistry = new Map<string, RegisteredMutation>();

type AuditedDefinition<S extends z.ZodType, Sub extends Subject, Tx, R> = {
  action: string;
  capability: Capability | null;
  kind: MutationKind;
  input: S;
  /** Opens the transaction the change and its audit entries share. */
  transaction: <T>(subject: Sub, fn: (tx: Tx) => Promise<T>) => Promise<T>;
  run: (tx: Tx, input: z.infer<S>, subject: Sub) => Promise<AuditedResult<R> & { chains: (string | null)[] }>;
};

/**
 * authorize → validate (the text rule, then the schema) → transaction → run → one audit entry on each chain
 * the change names (null: the platform's), in that transaction → commit.
 * A forbidden subject gets the same not-found as a missing object (M4.4);
 * `run` must say what to audit, so no change can skip the trail (M5.1).
 */
export function defineAudited<S extends z.ZodType, Sub extends Subject, Tx extends TenantTx, R>(def: AuditedDefinition<S, Sub, Tx, R>) {
  if (mutationRegistry.has(def.action)) throw new Error(`Mutation ${def.action} is defined twice`);
  // Whoever calls (an action, a webhook, a job), no text the database cannot hold gets past here.
  const input = holdable(def.input);
  const mutate = async (subject: Sub, raw: unknown): Promise<R> => {
    if (def.capability && !(subject.capabilities && can({ capabilities: subject.capabilities }, def.capability))) throw notFoundError();
    const parsed = input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      throw invalidError("Please correct the highlighted fields.", fieldErrors);
    }
    return def.transaction(subject, async (tx) => {
      const { result, audit, chains } = await def.run(tx, parsed.data, subject);
      const who = { id: subject.userId, label: subject.label, ip: subject.ip };
      for (const chain of chains) await appendAudit(tx, chain, who, { action: def.action, ...audit });
      return result;
    });
  };
  mutationRegistry.set(def.action, { action: def.action, capability: def.capability, kind: def.kind, mutate });
  return Object.assign(mutate, { action: def.action, capability: def.capability, kind: def.kind, input: def.input });
}

type Identity = { action: string; capability: Capability | null; kind: MutationKind };

/**
 * A mutation followed by work that must wait for its commit (an email that
 * must never leave for a change that rolled back), still known by its
 * action and capability (the route manifest reads them).
 */
export function afterCommit<Sub, R, T>(mutation: ((subject: Sub, raw: unknown) => Promise<R>) & Identity, next: (result: R) => Promise<T>) {
  const { action, capability, kind } = mutation;
  return Object.assign(async (subject: Sub, raw: unknown) => next(await mutation(subject, raw)), { action, capability, kind });
}

/**
 * Several chains in one transaction are locked platform first, then
 * organisations in id order, so two changes over overlapping chains cannot deadlock.
 */
export function chainOrder(organizationIds: (string | null)[]): (string | null)[] {
  const orgs = [...new Set(organizationIds.filter((id): id is string => id !== null))].sort();
  return organizationIds.includes(null) ? [null, ...orgs] : orgs;
}

export type MutationDefinition<S extends z.ZodType, R> = {
  /** Audit action code, e.g. "member.create". */
  action: string;
  capability: Capability;
  input: S;
  run: (tx: TenantTx, input: z.infer<S>, actor: Actor) => Promise<AuditedResult<R>>;
  /** Past the tenant transaction's usual 30 s, for a change that is long by design (a members CSV import, all rows or none). */
  timeoutMs?: number;
};

export type Mutation<S extends z.ZodType, R> = ((actor: Actor, raw: unknown) => Promise<R>) & {
  action: string;
  capability: Capability | null;
  kind: MutationKind;
  input: S;
};

/**
 * A member's change in their organisation: its tenant transaction (RLS), its
 * chain; the organisation's changes take turns in the process (organization-turns.ts).
 */
export function defineMutation<S extends z.ZodType, R>(def: MutationDefinition<S, R>): Mutation<S, R> {
  return defineAudited<S, Actor, TenantTx, R>({
    ...def,
    kind: "tenant",
    transaction: (actor, fn) => inTurn(actor.organizationId, () => withTenant(actor.organizationId, fn, { timeoutMs: def.timeoutMs })),
    run: async (tx, input, actor) => ({ ...(await def.run(tx, input, actor)), chains: [actor.organizationId] }),
  });
}
