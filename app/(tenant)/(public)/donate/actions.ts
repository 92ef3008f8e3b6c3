"use server";

import { formAction } from "@/lib/actions/form-action";
import { donationVisitor } from "@/lib/context/payer";
import { giveByCard, giveByMpesa } from "@/lib/services/donations";

export const giveByMpesaAction = formAction(donationVisitor, giveByMpesa, { data: (started) => started });
export const giveByCardAction = formAction(donationVisitor, giveByCard, { redirectTo: (checkout) => checkout.url });
