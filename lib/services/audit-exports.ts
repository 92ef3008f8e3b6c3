import { auditFilterInput } from "../schemas/audit";
import { defineMutation } from "./mutation";

/**
 * Records that someone exported the audit trail, with the filters they used,
 * before the first row is sent: reading the whole trail out is itself an act
 * the trail keeps (promise M5.1).
 */
export const recordAuditExport = defineMutation({
  action: "audit.export",
  capability: "audit:read",
  input: auditFilterInput,
  run: async (_tx, filter) => ({
    result: filter,
    audit: { summary: "Audit trail exported as CSV", targetType: "AuditTrail", after: { filter } },
  }),
});
