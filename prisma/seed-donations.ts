import type { Actor } from "../lib/authz/actor";
import { recordDonation } from "../lib/services/donations";
import { correctReceipt } from "../lib/services/donor-receipts";

/**
 * Kilimani's demo donations, through the services the app uses: a few
 * donors (one returning, found by email), cash, bank and in-kind gifts to
 * the general fund and to campaigns, each with its numbered receipt, and
 * one receipt cancelled and reissued (a typing error corrected).
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);

export async function seedDonations(treasurer: Actor): Promise<void> {
  const gifts = [
    { name: "Wanjiku Mwangi", email: "wanjiku.mwangi@donor.example", phone: "+254722100200", method: "BANK", amount: "50000", fund: "Borehole appeal", reference: "EFT-20451", receivedOn: daysAgo(60) },
    { name: "Otieno & Sons Hardware", email: "accounts@otieno-hardware.example", method: "IN_KIND", amount: "35000", fund: "Borehole appeal", description: "Pipes and fittings for the borehole", receivedOn: daysAgo(45) },
    { name: "Grace Achieng", phone: "+254733400500", address: "P.O. Box 1234-00100, Nairobi", method: "CASH", amount: "2500", receivedOn: daysAgo(30) },
    { name: "Wanjiku Mwangi", email: "wanjiku.mwangi@donor.example", method: "CASH", amount: "10000", fund: "School fees fund", receivedOn: daysAgo(10) },
  ] as const;
  for (const gift of gifts) await recordDonation(treasurer, { currency: "KES", ...gift });
  // A gift typed with a zero too many, corrected: its receipt is cancelled and a new one issued.
  const typo = await recordDonation(treasurer, { name: "Kamau Njoroge", email: "kamau.njoroge@donor.example", method: "CASH", currency: "KES", amount: "70000", receivedOn: daysAgo(5) });
  await correctReceipt(treasurer, { receiptId: typo.receiptId, currency: "KES", amount: "7000", fund: null, reason: "Amount typed with a zero too many" });
}
