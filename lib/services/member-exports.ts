import { memberListQuery } from "../schemas/members";
import { defineMutation } from "./mutation";

/**
 * Records that someone took the member register out as CSV, before the
 * first row is sent: a copy of everyone's personal data leaving is an act the
 * trail keeps. Whether a search narrowed it is kept, never the term (it may
 * be an email or a phone number).
 */
export const recordMemberExport = defineMutation({
  action: "member.export",
  capability: "members:read",
  input: memberListQuery,
  run: async (_tx, { q, archived }) => ({
    result: null,
    audit: { summary: "Member register exported as CSV", targetType: "Member", after: { searched: q !== undefined, archived: archived === "1" } },
  }),
});
