import { auditDiff } from "../audit/redact";
import { scope } from "../authz/scope";
import { conflictError, notFoundError } from "../errors";
import { createLocationInput, createProgramInput } from "../schemas/programs";
import { defineMutation } from "./mutation";

/** Programs and their locations: the units people are assigned to and beneficiaries belong to. */
export const createProgram = defineMutation({
  action: "program.create",
  capability: "programs:write",
  input: createProgramInput,
  run: async (tx, input, actor) => {
    if (await tx.program.findFirst({ where: { name: input.name, ...scope(actor, "program") }, select: { id: true } })) {
      throw conflictError("A program with that name exists.", { name: ["A program with that name exists"] });
    }
    const program = await tx.program.create({
      data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
      select: { id: true, name: true, description: true },
    });
    const { id, ...after } = program;
    return {
      result: program,
      audit: { summary: "Program created", targetType: "Program", targetId: id, ...auditDiff("Program", null, after) },
    };
  },
});

export const createLocation = defineMutation({
  action: "location.create",
  capability: "locations:write",
  input: createLocationInput,
  run: async (tx, input, actor) => {
    // A program outside the actor's reach (or another tenant's) reads as missing.
    const program = await tx.program.findFirst({ where: { id: input.programId, ...scope(actor, "program") }, select: { id: true } });
    if (!program) throw notFoundError();
    if (await tx.location.findFirst({ where: { programId: program.id, name: input.name }, select: { id: true } })) {
      throw conflictError("This program already has a location with that name.", { name: ["This program already has a location with that name"] });
    }
    const location = await tx.location.create({
      data: { ...input, organizationId: actor.organizationId, createdById: actor.userId },
      select: { id: true, name: true, programId: true },
    });
    const { id, ...after } = location;
    return {
      result: location,
      audit: { summary: "Location added", targetType: "Location", targetId: id, ...auditDiff("Location", null, after) },
    };
  },
});
