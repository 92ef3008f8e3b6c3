import { z } from "zod";
import { scope } from "../authz/scope";
import type { Actor } from "../context/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

const PAGE_SIZE = 50;

const listFields = { id: true, firstName: true, lastName: true, email: true, phone: true, status: true, joinedOn: true } as const;

/** The member register, newest names first by surname; search matches first or last name. */
export async function listMembers(
  actor: Actor,
  options: { search?: string; includeArchived?: boolean; after?: string } = {},
) {
  const where = scope(actor, "member");
  const search = options.search?.trim();
  return withTenant(actor.organizationId, (tx) =>
    tx.member.findMany({
      where: {
        ...where,
        ...(options.includeArchived ? {} : { status: "ACTIVE" }),
        ...(search
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
      ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
      select: listFields,
    }),
  );
}

export async function getMember(actor: Actor, id: string) {
  const where = scope(actor, "member");
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const member = await withTenant(actor.organizationId, (tx) =>
    tx.member.findFirst({ where: { id, ...where }, select: { ...listFields, createdAt: true, updatedAt: true } }),
  );
  if (!member) throw notFoundError();
  return member;
}
