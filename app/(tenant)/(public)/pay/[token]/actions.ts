"use server";

import { formAction } from "@/lib/actions/form-action";
import { payLinkVisitor } from "@/lib/context/payer";
import { payLinkByCard, payLinkByMpesa } from "@/lib/services/invoice-payments";

export const payLinkByCardAction = formAction(payLinkVisitor, payLinkByCard, { redirectTo: (checkout) => checkout.url });
export const payLinkByMpesaAction = formAction(payLinkVisitor, payLinkByMpesa, { data: (started) => started });
