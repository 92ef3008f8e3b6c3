import { z } from "zod";
import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { mayReadWelfareNotes } from "../authz/welfare-notes";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";
import type { WELFARE_CATEGORIES, WELFARE_STATUSES } from "../schemas/welfare-cases";

/**
 * Welfare reads. The list and the case page never select the notes; only
 * `getWelfareCaseNotes` does, for those lib/authz/welfare-notes.ts names, and
 * answers everyone else as if the case were missing (promise P5).
 */
const readable = (actor: Actor, id: string) => can(actor, "welfare:read") && z.uuid().safeParse(id).success;

export async function listWelfareCases(actor: Actor, filter: { status?: (typeof WELFARE_STATUSES)[number] }) {
  if (!can(actor, "welfare:read")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.welfareCase.findMany({
      where: { organizationId: actor.organizationId, ...(filter.status ? { status: filter.status } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: 200,
      select: { id: true, title: true, category: true, status: true, createdAt: true, member: { select: { id: true, firstName: true, lastName: true } } },
    }),
  );
}

/**
 * How long M-Pesa may take to confirm a B2C payout before a treasurer is
 * asked to look: the reconcile job asks until then, and only then may the
 * payout be marked failed by hand (money may have left, so never silently).
 */
export const PAYOUT_UNCONFIRMED_AFTER_MS = 24 * 60 * 60_000;

/** One case without its notes, with its disbursements and who asked for and decided each (by name). */
export async function getWelfareCase(actor: Actor, id: string) {
  if (!readable(actor, id)) throw notFoundError();
  return withTenant(actor.organizationId, async (tx) => {
    const found = await tx.welfareCase.findUnique({
      where: { id },
      select: {
        id: true,
        title: true,
        category: true,
        status: true,
        createdAt: true,
        createdById: true,
        member: { select: { id: true, firstName: true, lastName: true } },
        disbursements: {
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          select: { id: true, amountMinor: true, currency: true, method: true, reason: true, status: true, requestedById: true, decidedById: true, decidedAt: true, createdAt: true, paymentId: true },
        },
      },
    });
    if (!found) throw notFoundError();
    const userIds = [...new Set(found.disbursements.flatMap((d) => [d.requestedById, d.decidedById]).filter((u): u is string => u !== null))];
    const users = userIds.length ? await tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [];
    const nameOf = new Map(users.map((u) => [u.id, u.name]));
    // A payout still waiting for M-Pesa: since when, so the page can flag one waiting too long.
    const payingIds = found.disbursements.flatMap((d) => (d.status === "PAYING" && d.paymentId ? [d.paymentId] : []));
    const payouts = payingIds.length ? await tx.payment.findMany({ where: { id: { in: payingIds }, status: "PENDING" }, select: { id: true, createdAt: true } }) : [];
    const sentAt = new Map(payouts.map((p) => [p.id, p.createdAt]));
    const unconfirmedBefore = Date.now() - PAYOUT_UNCONFIRMED_AFTER_MS;
    const { createdById, ...rest } = found;
    return {
      ...rest,
      notesReadable: mayReadWelfareNotes(actor, { createdById }),
      disbursements: found.disbursements.map(({ paymentId, ...d }) => ({
        ...d,
        payoutSentAt: (paymentId && sentAt.get(paymentId)) || null,
        payoutUnconfirmed: Boolean(paymentId && (sentAt.get(paymentId)?.getTime() ?? Infinity) < unconfirmedBefore),
        requestedBy: nameOf.get(d.requestedById) ?? "someone",
        decidedBy: d.decidedById ? (nameOf.get(d.decidedById) ?? "someone") : null,
      })),
    };
  });
}

/** A case's confidential notes: its creator, treasurers and admins only; anyone else gets the not-found. */
export async function getWelfareCaseNotes(actor: Actor, id: string) {
  if (!readable(actor, id)) throw notFoundError();
  const found = await withTenant(actor.organizationId, (tx) =>
    tx.welfareCase.findUnique({ where: { id }, select: { id: true, title: true, notes: true, createdById: true } }),
  );
  if (!found || !mayReadWelfareNotes(actor, found)) throw notFoundError();
  return { id: found.id, title: found.title, notes: found.notes };
}

export type WelfareCategoryCount = { category: (typeof WELFARE_CATEGORIES)[number]; count: number };

/**
 * Cases still open or approved (not closed), per category, in one grouped SQL
 * query: the dashboard's "open welfare cases" figure. Categories without a case are left out.
 */
export async function openWelfareCaseCounts(actor: Actor): Promise<WelfareCategoryCount[]> {
  if (!can(actor, "welfare:read")) throw notFoundError();
  const rows = await withTenant(actor.organizationId, (tx) =>
    tx.welfareCase.groupBy({
      by: ["category"],
      where: { organizationId: actor.organizationId, status: { not: "CLOSED" } },
      _count: { _all: true },
      orderBy: { category: "asc" },
    }),
  );
  return rows.map((row) => ({ category: row.category, count: row._count._all }));
}

/** The members a case can be opened for, by name, for the "open a case" form. */
export async function welfareMemberChoices(actor: Actor) {
  if (!can(actor, "welfare:write")) throw notFoundError();
  return withTenant(actor.organizationId, (tx) =>
    tx.member.findMany({
      where: { organizationId: actor.organizationId, status: "ACTIVE" },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      take: 1000,
      select: { id: true, firstName: true, lastName: true },
    }),
  );
}

/** A disbursement as whoever pays it sees it (welfare:approve): its status and method; the not-found otherwise. */
export async function disbursementToPay(actor: Actor, id: string) {
  if (!can(actor, "welfare:approve") || !z.uuid().safeParse(id).success) throw notFoundError();
  const found = await withTenant(actor.organizationId, (tx) => tx.welfareDisbursement.findUnique({ where: { id }, select: { id: true, status: true, method: true } }));
  if (!found) throw notFoundError();
  return found;
}
