import { z } from "zod";
import { scope } from "../authz/scope";
import type { Actor } from "../authz/actor";
import { withTenant } from "../db/tenant";
import { notFoundError } from "../errors";

/** Programs the actor reaches, each with the number of its locations the actor reaches. */
export async function listPrograms(actor: Actor) {
  const where = scope(actor, "program");
  const locations = scope(actor, "location");
  return withTenant(actor.organizationId, (tx) =>
    tx.program.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      select: { id: true, name: true, description: true, _count: { select: { locations: { where: locations } } } },
    }),
  );
}

/** One program with the locations the actor reaches and their beneficiaries in the actor's reach. */
export async function getProgram(actor: Actor, id: string) {
  const where = scope(actor, "program");
  if (!z.uuid().safeParse(id).success) throw notFoundError();
  const locations = scope(actor, "location");
  const beneficiaries = scope(actor, "beneficiary");
  const program = await withTenant(actor.organizationId, (tx) =>
    tx.program.findFirst({
      where: { id, ...where },
      select: {
        id: true,
        name: true,
        description: true,
        locations: {
          where: locations,
          orderBy: [{ name: "asc" }, { id: "asc" }],
          select: { id: true, name: true, _count: { select: { beneficiaries: { where: beneficiaries } } } },
        },
      },
    }),
  );
  if (!program) throw notFoundError();
  return program;
}

/** Locations the actor reaches, with their program's name: where they may register beneficiaries. */
export async function listLocations(actor: Actor) {
  const where = scope(actor, "location");
  return withTenant(actor.organizationId, (tx) =>
    tx.location.findMany({
      where,
      orderBy: [{ program: { name: "asc" } }, { name: "asc" }, { id: "asc" }],
      select: { id: true, name: true, program: { select: { name: true } } },
    }),
  );
}
