import { can, type Capability } from "./capabilities";

/**
 * Who may read and edit a welfare case's confidential notes (promise P5): the
 * case's creator, and holders of welfare:notes (treasurers, admins, owners).
 * Everyone else who reads welfare sees the case without them, and the notes
 * page answers them 404 like a missing case.
 */
export function mayReadWelfareNotes(subject: { userId: string | null; capabilities: ReadonlySet<Capability> }, welfareCase: { createdById: string | null }): boolean {
  if (!can(subject, "welfare:read")) return false;
  return can(subject, "welfare:notes") || (subject.userId !== null && welfareCase.createdById === subject.userId);
}
