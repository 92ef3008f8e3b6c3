import { randomUUID } from "node:crypto";
import { can, ROLES, type RoleName } from "../../lib/authz/capabilities";
import { reaches } from "../../lib/authz/scope";
import { ROUTES, routeLabel, routePath, type ActionRoute, type ObjectResource, type Route } from "../../tests/support/route-manifest";
import type { ActionCall } from "./server-actions";
import { DEMO_PASSWORD } from "./app";
import type { GroundTruth, Person, TruthObject } from "./ground-truth";
import { DONATION_CALLS } from "./matrix-donations";
import { BATCH_CALLS } from "./matrix-batches";
import { DUES_CALLS } from "./matrix-dues";
import { WELFARE_CALLS } from "./matrix-welfare";

/**
 * The isolation matrix, generated from the route manifest, the capability
 * table and the reach rule: for every role of one organisation and every
 * signed-in route, which object to use in each case and what the answer must be.
 */
export type Case = "own" | "foreign" | "out-of-reach" | "missing";

export type Target = { id: string; values: Record<string, string> };

export type Check = {
  role: RoleName;
  person: Person;
  route: Route;
  case: Case;
  target?: Target;
  /** Where the request goes: the page, or for an action the page it is posted from. */
  path: string;
  allowed: boolean;
};

/** The login of a role in the seed: FIELD_MANAGER → field-manager@<slug>.test. */
export const loginOf = (role: RoleName, slug: string) => `${role.toLowerCase().replace("_", "-")}@${slug}.test`;

/** Routes a signed-in member uses on the organisation's host (the apex's are e2e/admin.spec.ts's). */
export const memberRoutes = () => ROUTES.filter((r) => r.access !== "public" && r.host !== "apex");

const MISSING_VALUES: Record<ObjectResource, Record<string, string>> = {
  member: { firstName: "Nobody", lastName: "Here" },
  program: {},
  location: {},
  beneficiary: { firstName: "Nobody", lastName: "Here", householdSize: "1" },
  batch: {},
  duesPlan: {},
  duesInvoice: {},
  welfareCase: {},
  welfareDisbursement: {},
  "payable-invoice": {},
  donor: {},
  donorReceipt: {},
};

const objectRef = (route: Route) => route.object;

/**
 * Whether the person reaches the object: lib/authz's reach rule, or for an invoice to pay, their own
 * (addressed to their login's member record) and, with dues:collect, any of the organisation's.
 */
function within(person: Person, resource: ObjectResource, object: TruthObject): boolean {
  if (resource !== "payable-invoice") return reaches(person, resource, object);
  if (object.organizationId !== person.organizationId) return false;
  return can(person, "dues:collect") || (can(person, "dues:own") && object.payerUserId === person.userId);
}

/** What the tables say: the capability (or just a session), and the object within the person's reach. */
function permitted(person: Person, route: Route, object?: TruthObject): boolean {
  const entitled = route.access === "public" || route.access === "signed-in" || can(person, route.access);
  const ref = objectRef(route);
  return entitled && (!ref || (object !== undefined && within(person, ref.resource, object)));
}

/** How close an object is to the person's unit: same location, same program, elsewhere. */
function distance(person: Person, object: TruthObject): number {
  if (person.unit?.locationId && object.locationId === person.unit.locationId) return 0;
  return person.unit && object.programId === person.unit.programId ? 1 : 2;
}

export function buildChecks(slug: string, home: GroundTruth, foreign: GroundTruth): Check[] {
  const missingId = randomUUID();
  const checks: Check[] = [];
  for (const role of ROLES) {
    const person = home.people.find((p) => p.email === loginOf(role, slug));
    if (!person) throw new Error(`no ${role} login in ${slug}`);
    /** The person's own object of a resource: the first they reach, or any when they reach none. */
    const ownOf = (resource: ObjectResource) => {
      const mine = home.objects.filter((o) => o.resource === resource);
      const own = mine.find((o) => within(person, resource, o)) ?? mine[0];
      if (!own) throw new Error(`the seed has no ${resource} in ${slug}`);
      return own;
    };
    // Pages first, actions after, signing out last.
    const routes = memberRoutes().sort((a, b) => order(a) - order(b));
    for (const route of routes) {
      const ref = objectRef(route);
      // An action is posted from the page it lives on, opened on the person's own object: a forged
      // id in the form is then the only difference between the cases.
      const postedFrom = route.kind === "action" ? pagePath(route.postTo, ownOf) : undefined;
      const pathFor = (target?: Target) => postedFrom ?? routePath(route.file).replace(/\[\w+\]/g, target?.id ?? "");
      if (!ref) {
        checks.push({ role, person, route, case: "own", path: pathFor(), allowed: permitted(person, route) });
        continue;
      }
      const mine = home.objects.filter((o) => o.resource === ref.resource);
      const own = ownOf(ref.resource);
      const theirs = foreign.objects.find((o) => o.resource === ref.resource);
      if (!theirs) throw new Error(`the seed has no ${ref.resource} in the foreign organisation`);
      const cases: [Case, TruthObject | undefined, Target][] = [
        ["own", own, own],
        ["foreign", theirs, theirs],
        ["missing", undefined, { id: missingId, values: { id: missingId, ...MISSING_VALUES[ref.resource] } }],
      ];
      // Only resources scoped by reach have objects in the organisation that a role may not reach;
      // the nearest one to the person's unit is the sharpest test.
      const outOfReach =
        ["member", "duesPlan", "duesInvoice", "donor", "donorReceipt", "welfareCase", "welfareDisbursement"].includes(ref.resource)
          ? undefined
          : mine.filter((o) => o.id !== own.id && !within(person, ref.resource, o)).sort((a, b) => distance(person, a) - distance(person, b))[0];
      if (outOfReach) cases.push(["out-of-reach", outOfReach, outOfReach]);
      for (const [kase, object, target] of cases) {
        checks.push({ role, person, route, case: kase, target, path: pathFor(target), allowed: permitted(person, route, object) });
      }
    }
  }
  return checks;
}

function order(route: Route): number {
  if (route.kind === "action") return route.name === "logout" ? 3 : 2;
  return 1;
}

/** A page path with its object's id filled in with the person's own object of the page's resource. */
function pagePath(pattern: string, ownOf: (resource: ObjectResource) => TruthObject): string {
  const page = ROUTES.find((r) => r.kind === "page" && routePath(r.file) === pattern);
  const ref = page && objectRef(page);
  return ref ? pattern.replace(`[${ref.param}]`, ownOf(ref.resource).id) : pattern;
}

export const labelOf = (check: Check) => `${check.role} ${check.route.kind} ${routeLabel(check.route)} [${check.case}]`;

/**
 * The form each action is posted with. A new action in the manifest needs an
 * entry here, or the matrix stops with its name.
 */
let serial = 0;
const CALLS: Record<string, (check: Check) => ActionCall> = {
  logout: () => ({ fields: {} }),
  // Without a session id: ends the person's other sessions (never the matrix's own cookie).
  endSessionsAction: () => ({ fields: {} }),
  // "Changed" to the same password, so later sign-ins keep working.
  changePasswordAction: () => ({ fields: { current: DEMO_PASSWORD, password: DEMO_PASSWORD, confirm: DEMO_PASSWORD } }),
  // Wrong codes: each refused attempt is audited once, and nobody's two-factor changes.
  confirmTwoFactorAction: () => ({ fields: { secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", code: "000000" } }),
  disableTwoFactorAction: () => ({ fields: { password: "not-the-password", code: "000000" } }),
  verifySecondFactorAction: () => ({ fields: { code: "000000" } }),
  createMemberAction: (c) => ({ fields: { firstName: "Matrix", lastName: `${c.role}-${++serial}` } }),
  updateMemberAction: (c) => ({ fields: c.target!.values }),
  archiveMemberAction: (c) => ({ fields: { id: c.target!.id } }),
  createProgramAction: (c) => ({ fields: { name: `Matrix ${c.role} ${Date.now()}-${++serial}` } }),
  createLocationAction: (c) => ({ fields: { programId: c.target!.id, name: `Matrix ${c.role} ${++serial}` } }),
  createBeneficiaryAction: (c) => ({ fields: { locationId: c.target!.id, firstName: "Matrix", lastName: `${c.role}-${++serial}`, householdSize: "2" } }),
  updateBeneficiaryAction: (c) => ({ fields: c.target!.values }),
  grantSupportAccessAction: () => ({ fields: { hours: "1" } }),
  revokeSupportAccessAction: () => ({ fields: {} }),
  ...DUES_CALLS,
  ...DONATION_CALLS,
  ...WELFARE_CALLS,
  ...BATCH_CALLS,
  // No money moves in the matrix: the home organisation has no Stripe account, so an allowed card request is
  // refused in the form, and M-Pesa refuses a malformed phone before any STK push is sent.
  payByCardAction: (c) => ({ fields: { invoiceId: c.target!.id } }),
  payByMpesaAction: (c) => ({ fields: { invoiceId: c.target!.id, phone: "not a phone" } }),
};

export function callOf(check: Check & { route: ActionRoute }): ActionCall {
  const build = CALLS[check.route.name];
  if (!build) throw new Error(`the isolation matrix has no form for action ${check.route.name}: add one to e2e/support/matrix.ts`);
  return build(check);
}
