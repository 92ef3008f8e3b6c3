import type { Prisma } from "./generated/client";

/** Where-clause types of the scoped resources, so lib/authz can build filters without the client. */
export type ResourceWhere = {
  member: Prisma.MemberWhereInput;
  program: Prisma.ProgramWhereInput;
  location: Prisma.LocationWhereInput;
  beneficiary: Prisma.BeneficiaryWhereInput;
  batch: Prisma.BeneficiaryBatchWhereInput;
  duesPlan: Prisma.DuesPlanWhereInput;
  duesInvoice: Prisma.DuesInvoiceWhereInput;
  donor: Prisma.DonorWhereInput;
  donorReceipt: Prisma.DonorReceiptWhereInput;
  welfareCase: Prisma.WelfareCaseWhereInput;
  welfareDisbursement: Prisma.WelfareDisbursementWhereInput;
};
