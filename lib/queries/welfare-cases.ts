import { z } from "zod";
import { can } from "../authz/capabilities";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** One welfare case with its (decrypted) notes, for those who may read welfare. */
export async function getWelfareCase(actor: Actor, id: string) {
  if (!can(actor, "welfare:read") || !z.uuid().safeParse(id).success) throw notFoundError();
  const found = await withTenant(actor.organizationId, (tx) =>
    tx.welfareCase.findUnique({
      where: { id },
      select: {
        id: true,
        title: true,
        notes: true,
        status: true,
        createdAt: true,
        member: { select: { id: true, firstName: true, lastName: true } },
      },
    }),
  );
  if (!found) throw notFoundError();
  return found;
}
