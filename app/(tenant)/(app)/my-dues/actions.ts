"use server";

import { formAction } from "@/lib/actions/form-action";
import { memberPayer } from "@/lib/context/payer";
import { payByCard, payByMpesa } from "@/lib/services/invoice-payments";

export const payByCardAction = formAction(memberPayer, payByCard, { redirectTo: (checkout) => checkout.url });
export const payByMpesaAction = formAction(memberPayer, payByMpesa, { data: (started) => started });
