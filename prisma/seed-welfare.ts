import type { Actor } from "../lib/authz/actor";
import { openWelfareCase, closeWelfareCase } from "../lib/services/welfare-cases";
import { approveDisbursement, recordDisbursementPaid, requestDisbursement } from "../lib/services/welfare-disbursements";

/**
 * Demo welfare: a case in each status, with disbursements requested by the
 * club's second treasurer (treasurer-2@<slug>.test), so the demo treasurer
 * (treasurer@) can approve them, and sees no approve button on their own.
 */
export async function seedWelfare(people: { owner: Actor; treasurer: Actor; secondTreasurer: Actor }, memberIds: string[]): Promise<void> {
  const { owner, treasurer, secondTreasurer } = people;
  const hospital = await openWelfareCase(secondTreasurer, {
    memberId: memberIds[2],
    category: "MEDICAL",
    title: "Hospital bill after a road accident",
    notes: "Admitted to Kenyatta National Hospital with a fractured leg; the family has paid the deposit and needs help with the balance.",
  });
  await requestDisbursement(secondTreasurer, { caseId: hospital.id, amount: "15000", currency: "KES", method: "MPESA", phone: "0712 345 678", reason: "Hospital balance" });
  await requestDisbursement(treasurer, { caseId: hospital.id, amount: "3000", currency: "KES", method: "CASH", reason: "Transport to follow-up clinics" });

  const school = await openWelfareCase(owner, {
    memberId: memberIds[5],
    category: "EDUCATION",
    title: "Secondary school fees, Form 3",
    notes: "Father lost his job in August; the school has sent the daughter home twice this term.",
  });
  await requestDisbursement(secondTreasurer, { caseId: school.id, amount: "24000", currency: "KES", method: "BANK", reason: "Term 3 fees, paid to the school" });

  const funeral = await openWelfareCase(secondTreasurer, {
    memberId: memberIds[8],
    category: "BEREAVEMENT",
    title: "Funeral support",
    notes: "The member's mother passed away; burial in Nyeri on Saturday.",
  });
  const paid = await requestDisbursement(secondTreasurer, { caseId: funeral.id, amount: "20000", currency: "KES", method: "CASH", reason: "Contribution to funeral costs" });
  await approveDisbursement(treasurer, { disbursementId: paid.id });
  await recordDisbursementPaid(treasurer, { disbursementId: paid.id, method: "CASH", reference: "WELFARE-CASH-001" });
  const toPay = await requestDisbursement(secondTreasurer, { caseId: funeral.id, amount: "5000", currency: "KES", method: "MPESA", phone: "0722 000 111", reason: "Transport for the family" });
  await approveDisbursement(treasurer, { disbursementId: toPay.id });

  const flood = await openWelfareCase(owner, {
    memberId: memberIds[11],
    category: "HARDSHIP",
    title: "Flood damage, Mathare",
    notes: "House flooded in the April rains; lost bedding and school uniforms.",
  });
  const relief = await requestDisbursement(secondTreasurer, { caseId: flood.id, amount: "10000", currency: "KES", method: "BANK", reason: "Bedding and uniforms" });
  await approveDisbursement(treasurer, { disbursementId: relief.id });
  await recordDisbursementPaid(treasurer, { disbursementId: relief.id, method: "BANK", reference: "FT26110400123" });
  await closeWelfareCase(owner, { caseId: flood.id });
}
