"use server";

import { memberAction } from "@/lib/actions/form-action";
import { createLocation, createProgram } from "@/lib/services/programs";

export const createProgramAction = memberAction(createProgram, { revalidate: "/programs", redirectTo: (program) => `/programs/${program.id}` });
export const createLocationAction = memberAction(createLocation, { revalidate: (_location, input) => `/programs/${input.programId}`, success: "Location added." });
