import { z } from "zod";
import { scope } from "../authz/scope";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

const PAGE_SIZE = 50;

const listFields = {
  id: true,
  firstName: true,
  lastName: true,
  householdSize: true,
  location: { select: { id: true, name: true, program: { select: { id: true, name: true } } } },
} as const;

/** Beneficiaries in the actor's reach (promise M4.3), by surname; search matches first or last name. */
export async function listBeneficiaries(actor: Actor, options: { search?: string | null; after?: string } = {}) {
  const where = scope(actor, "beneficiary");
  // null: a term no stored value can hold (lib/schemas/text.ts queryText), so nothing matches.
  const search = options.search === null ? null : options.search?.trim();
  const after = options.after && z.uuid().safeParse(options.after).success ? options.after : undefined;
  return withTenant(actor.organizationId, (tx) =>
    tx.beneficiary.findMany({
      where: {
        ...where,
        ...(search === null
          ? { id: { in: [] } }
          : search
          ? {
              OR: [
                { firstName: { contains: search, mode: "insensitive" } },
                { lastName: { contains: search, mode: "insensitive" } },
              ],
            }
          : {}),
      },
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      take: PAGE_SIZE,
      ...(after ? { cursor: { id: after }, skip: 1 } : {}),
      select: listFields,
    }),
  );
}

/** How many beneficiaries the actor reaches in all. */
export async function countBeneficiaries(actor: Actor): Promise<number> {
  const where = scope(actor, "beneficiary");
  return withTenant(actor.organizationId, (tx) => tx.beneficiary.count({ where }));
}

export async function getBeneficiary(actor: Actor, id: string) {
  const where = scope(actor, "beneficiary");
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const beneficiary = await withTenant(actor.organizationId, (tx) =>
    tx.beneficiary.findFirst({ where: { id, ...where }, select: { ...listFields, createdAt: true, updatedAt: true } }),
  );
  if (!beneficiary) throw notFoundError();
  return beneficiary;
}
