"use server";

import { memberAction } from "@/lib/actions/form-action";
import { createBeneficiary, updateBeneficiary } from "@/lib/services/beneficiaries";

export const createBeneficiaryAction = memberAction(createBeneficiary, { revalidate: "/beneficiaries", redirectTo: (b) => `/beneficiaries/${b.id}` });
export const updateBeneficiaryAction = memberAction(updateBeneficiary, { revalidate: "/beneficiaries", success: "Saved." });
