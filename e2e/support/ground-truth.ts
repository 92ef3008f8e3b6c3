import type pg from "pg";
import { capabilitiesOf, type RoleName } from "../../lib/authz/capabilities";
import type { ObjectFacts, ScopeSubject } from "../../lib/authz/scope";
import type { ObjectResource } from "../../tests/support/route-manifest";

/**
 * One object as the database holds it, with the facts scope decides on and the values an edit form would send;
 * an invoice also says whose login it is addressed to (its member's Member.userId).
 */
export type TruthObject = ObjectFacts & { id: string; resource: ObjectResource; values: Record<string, string>; payerUserId?: string | null };

export type Person = ScopeSubject & { email: string; role: RoleName };

export type GroundTruth = {
  organizationId: string;
  people: Person[];
  objects: TruthObject[];
};

/** Everything about one organisation the matrix needs, read as the database owner (RLS does not apply). */
export async function groundTruth(db: pg.Client, slug: string): Promise<GroundTruth> {
  const org = await db.query<{ id: string }>("SELECT id FROM organization WHERE slug = $1", [slug]);
  const organizationId = org.rows[0]?.id;
  if (!organizationId) throw new Error(`no organisation ${slug}`);
  const people = await db.query<{ user_id: string; email: string; role: RoleName; program_id: string | null; location_id: string | null; location_program: string | null }>(
    `SELECT m.user_id, u.email, m.role, m.program_id, m.location_id, l.program_id AS location_program
       FROM membership m JOIN app_user u ON u.id = m.user_id LEFT JOIN location l ON l.id = m.location_id
      WHERE m.organization_id = $1 ORDER BY u.email`,
    [organizationId],
  );
  const members = await db.query("SELECT id, first_name, last_name FROM member WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const programs = await db.query("SELECT id FROM program WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const locations = await db.query("SELECT id, program_id FROM location WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const beneficiaries = await db.query(
    `SELECT b.id, b.location_id, b.created_by_id, b.first_name, b.last_name, b.household_size, l.program_id
       FROM beneficiary b JOIN location l ON l.id = b.location_id WHERE b.organization_id = $1 ORDER BY b.created_at, b.id`,
    [organizationId],
  );
  const batches = await db.query("SELECT id, program_id, location_id, uploaded_by_id FROM beneficiary_batch WHERE organization_id = $1 ORDER BY uploaded_at, id", [organizationId]);
  const plans = await db.query("SELECT id FROM dues_plan WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const invoices = await db.query(
    `SELECT i.id, m.user_id FROM dues_invoice i LEFT JOIN member m ON m.id = i.member_id WHERE i.organization_id = $1 ORDER BY i.created_at, i.id`,
    [organizationId],
  );
  const donors = await db.query("SELECT id FROM donor WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const receipts = await db.query("SELECT id FROM donor_receipt WHERE organization_id = $1 ORDER BY year, seq", [organizationId]);
  const welfareCases = await db.query("SELECT id FROM welfare_case WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const disbursements = await db.query("SELECT id FROM welfare_disbursement WHERE organization_id = $1 ORDER BY created_at, id", [organizationId]);
  const base = { organizationId };
  return {
    organizationId,
    people: people.rows.map((p) => ({
      organizationId,
      userId: p.user_id,
      email: p.email,
      role: p.role,
      capabilities: capabilitiesOf(p.role),
      unit: p.location_id
        ? { programId: p.location_program!, locationId: p.location_id }
        : p.program_id
          ? { programId: p.program_id, locationId: null }
          : null,
    })),
    objects: [
      ...members.rows.map((m) => ({
        ...base,
        id: m.id,
        resource: "member" as const,
        // Encrypted fields are left out: the database holds their ciphertext, and an edit that omits them keeps them.
        values: { id: m.id, firstName: m.first_name, lastName: m.last_name },
      })),
      ...programs.rows.map((p) => ({ ...base, id: p.id, resource: "program" as const, programId: p.id, values: {} })),
      ...locations.rows.map((l) => ({ ...base, id: l.id, resource: "location" as const, programId: l.program_id, locationId: l.id, values: {} })),
      ...beneficiaries.rows.map((b) => ({
        ...base,
        id: b.id,
        resource: "beneficiary" as const,
        programId: b.program_id,
        locationId: b.location_id,
        createdById: b.created_by_id,
        values: { id: b.id, firstName: b.first_name, lastName: b.last_name, householdSize: String(b.household_size) },
      })),
      ...batches.rows.map((b) => ({ ...base, id: b.id, resource: "batch" as const, programId: b.program_id, locationId: b.location_id, createdById: b.uploaded_by_id, values: {} })),
      ...plans.rows.map((p) => ({ ...base, id: p.id, resource: "duesPlan" as const, values: {} })),
      ...welfareCases.rows.map((c) => ({ ...base, id: c.id, resource: "welfareCase" as const, values: {} })),
      ...disbursements.rows.map((d) => ({ ...base, id: d.id, resource: "welfareDisbursement" as const, values: {} })),
      ...invoices.rows.flatMap((i) => [
        { ...base, id: i.id, resource: "duesInvoice" as const, values: {} },
        { ...base, id: i.id, resource: "payable-invoice" as const, payerUserId: i.user_id, values: {} },
      ]),
      ...donors.rows.map((d) => ({ ...base, id: d.id, resource: "donor" as const, values: {} })),
      ...receipts.rows.map((r) => ({ ...base, id: r.id, resource: "donorReceipt" as const, values: {} })),
    ],
  };
}

/**
 * Audit entries in all chains: a refused request must add none, an allowed mutation exactly one. The worker's
 * import of a batch just sent for processing writes its own entries, one per chunk, at a moment of its choosing:
 * those are the job's, not the request's, and are not counted.
 */
export async function auditCount(db: pg.Client): Promise<number> {
  return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE action <> 'batch.import_chunk'")).rows[0].n;
}
