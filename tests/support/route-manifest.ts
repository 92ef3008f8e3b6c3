import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Capability } from "../../lib/authz/capabilities";
import type { MutationKind } from "../../lib/services/mutation";
import { RESOURCES, type Resource } from "../../lib/authz/scope";

/**
 * Every page, server action and route handler under app/, with what it takes
 * to use it (promise M4.4). `tests/route-manifest.test.ts` fails when a route
 * under app/ is missing here; `e2e/isolation-matrix.spec.ts` requests every
 * entry as every role of one organisation and expects exactly what this table
 * and the capability table say; `docs/ACCESS.md` lists it. The running app
 * never reads it (every route authorizes itself), hence its place beside the tests.
 */

/** Anyone; any signed-in member of the organisation; or holders of one capability. */
export type Access = "public" | "signed-in" | Capability;

/** Which Host serves it: an organisation's subdomain, the apex, or both. */
export type Host = "tenant" | "apex" | "any";

/**
 * The object a route works on: which resource, and where its id comes from —
 * a path segment (`[id]`) for pages, a form field for actions. The object
 * must be in the actor's organisation and reach (`scope`), or the answer is 404.
 */
export type ObjectRef = { resource: ObjectResource; param: string };

/**
 * What an object route works on: a resource lib/authz scopes, or an invoice
 * as its payer sees it — their own (Member.userId), or any with dues:collect
 * (lib/queries/payable-invoices.ts).
 */
export type ObjectResource = Resource | "payable-invoice";

export const objectLabel = (resource: ObjectResource) => (resource === "payable-invoice" ? "Invoice (one's own; any with dues:collect)" : RESOURCES[resource].label);

export type PageRoute = {
  kind: "page";
  file: string;
  host: Host;
  access: Access;
  object?: ObjectRef;
  /** The status a public probe expects when not 200 (the fault-injection routes fail on purpose). */
  answers?: number;
};

/**
 * A server action as declared below: where it is posted from and the object
 * it works on. What it requires is read from the code (see `derive`): the
 * capability of the mutation its wrapper calls; only an action whose service
 * no capability guards (sign-in, sign-out, one's own password and two-factor)
 * declares its access here.
 */
export type DeclaredAction = {
  kind: "action";
  file: string;
  name: string;
  /** Where its page lives; an organisation's subdomain unless said otherwise. */
  host?: Exclude<Host, "any">;
  /** Only for a service without a capability: "public", "signed-in", or what its subject resolver requires. */
  access?: Access;
  object?: ObjectRef;
  /** Audit entries one allowed call appends when it is not 1: 0 for a service that records nothing itself (a card checkout). */
  audits?: number;
  /** The page whose form posts it; `[param]`s are filled with the object's id. */
  postTo: string;
};

export type ActionRoute = Omit<DeclaredAction, "access"> & {
  access: Access;
  /** The registered mutation the action's service is, if it is one. */
  mutation?: string;
  /** The capability the service says guards it (a mutation's, or that of a service that records nothing itself). */
  guard?: Capability;
  /** Audit entries one allowed call appends: 1, or 2 for a platform mutation (the platform chain and the organisation's). */
  audits: number;
};

export type HandlerRoute = {
  kind: "handler";
  file: string;
  host: Host;
  methods: readonly ("GET" | "POST" | "DELETE")[];
  access: Access;
  /** The object a `[param]` in its path names: 404 unless the caller may reach it. */
  object?: ObjectRef;
  /** A concrete path to probe when the route's own path has a catch-all. */
  sample?: string;
  /** The status a public probe expects when not 200. */
  answers?: number;
};

export type Route = PageRoute | ActionRoute | HandlerRoute;

const TENANT = "app/(tenant)";
const APP = `${TENANT}/(app)`;

const DECLARED: readonly (PageRoute | DeclaredAction | HandlerRoute)[] = [
  // The apex's public site (reached by the middleware's rewrite of / → /site).
  { kind: "page", file: "app/site/page.tsx", host: "apex", access: "public" },
  { kind: "page", file: "app/site/security/page.tsx", host: "apex", access: "public" },
  { kind: "page", file: "app/site/security/advisories/page.tsx", host: "apex", access: "public" },
  { kind: "page", file: "app/site/security/promises/page.tsx", host: "apex", access: "public" },
  { kind: "page", file: "app/site/privacy/page.tsx", host: "apex", access: "public" },
  { kind: "page", file: "app/site/subprocessors/page.tsx", host: "apex", access: "public" },
  { kind: "handler", file: "app/site/.well-known/security.txt/route.ts", host: "apex", methods: ["GET"], access: "public" },
  // Fail on purpose when HARAMBEE_FAULT_INJECTION=1 (the e2e server), to prove errors show no internals; 404 otherwise.
  { kind: "page", file: "app/site/fault/page.tsx", host: "apex", access: "public", answers: 500 },
  // Unsent emails, outside production only (the e2e server is a production build: 404).
  { kind: "page", file: "app/site/dev/outbox/page.tsx", host: "apex", access: "public", answers: 404 },
  { kind: "handler", file: "app/api/fault/route.ts", host: "any", methods: ["GET"], access: "public", answers: 500 },

  // The apex sign-in for platform and district admins (sessions with no organisation).
  { kind: "page", file: "app/site/sign-in/page.tsx", host: "apex", access: "public" },
  { kind: "action", file: "app/site/sign-in/actions.ts", name: "platformSignIn", host: "apex", access: "public", postTo: "/sign-in" },
  // Ends the caller's own apex session, if there is one; posted from /admin and /district.
  { kind: "action", file: "app/site/sign-in/actions.ts", name: "platformSignOut", host: "apex", access: "public", postTo: "/admin" },
  // A platform admin's own second factor: /admin sends them here until it is enrolled and checked (M4.5).
  { kind: "page", file: "app/site/two-factor/setup/page.tsx", host: "apex", access: "platform:organizations" },
  { kind: "page", file: "app/site/two-factor/verify/page.tsx", host: "apex", access: "platform:organizations" },
  { kind: "action", file: "app/site/two-factor/actions.ts", name: "confirmPlatformTwoFactorAction", host: "apex", access: "platform:organizations", postTo: "/two-factor/setup" },
  { kind: "action", file: "app/site/two-factor/actions.ts", name: "verifyPlatformSecondFactorAction", host: "apex", access: "platform:organizations", postTo: "/two-factor/verify" },
  // A district admin's aggregate report (counts and totals of the district's clubs, never a member row).
  { kind: "page", file: "app/site/district/page.tsx", host: "apex", access: "district:report" },
  // Platform administration: apex only (the middleware 404s /admin on every tenant host), platform admins only.
  { kind: "page", file: "app/admin/page.tsx", host: "apex", access: "platform:organizations" },
  { kind: "page", file: "app/admin/support/page.tsx", host: "apex", access: "platform:organizations" },
  { kind: "action", file: "app/admin/actions.ts", name: "suspendOrganizationAction", host: "apex", postTo: "/admin" },
  { kind: "action", file: "app/admin/actions.ts", name: "restoreOrganizationAction", host: "apex", postTo: "/admin" },
  // Notices to owners: audited on the platform chain and on each organisation's it reaches.
  { kind: "action", file: "app/admin/actions.ts", name: "sendIncidentNoticeAction", host: "apex", postTo: "/admin" },
  { kind: "action", file: "app/admin/actions.ts", name: "sendSubprocessorNoticeAction", host: "apex", postTo: "/admin" },

  // An organisation's sign-in.
  { kind: "page", file: `${TENANT}/(public)/login/page.tsx`, host: "tenant", access: "public" },
  // The form posts to a handler so that an attempt over the rate limit gets a real 429 (GET: 405).
  { kind: "handler", file: `${TENANT}/(public)/login/submit/route.ts`, host: "tenant", methods: ["POST"], access: "public", answers: 405 },
  { kind: "page", file: `${TENANT}/(public)/forgot-password/page.tsx`, host: "tenant", access: "public" },
  { kind: "handler", file: `${TENANT}/(public)/forgot-password/submit/route.ts`, host: "tenant", methods: ["POST"], access: "public", answers: 405 },
  { kind: "page", file: `${TENANT}/(public)/reset-password/page.tsx`, host: "tenant", access: "public" },
  { kind: "action", file: `${TENANT}/(public)/reset-password/actions.ts`, name: "resetPasswordAction", access: "public", postTo: "/reset-password" },
  // What a suspended organisation's people see instead of the app; an active organisation's are sent on to "/".
  { kind: "page", file: `${TENANT}/(public)/suspended/page.tsx`, host: "tenant", access: "public", answers: 307 },

  // Signed-in pages of an organisation.
  { kind: "page", file: `${APP}/page.tsx`, host: "tenant", access: "org:read" },
  { kind: "action", file: `${APP}/actions.ts`, name: "logout", access: "signed-in", postTo: "/" },
  // One's own account: sessions, password (and two-factor).
  { kind: "page", file: `${APP}/account/page.tsx`, host: "tenant", access: "signed-in" },
  { kind: "action", file: `${APP}/account/actions.ts`, name: "endSessionsAction", access: "signed-in", postTo: "/account" },
  { kind: "action", file: `${APP}/account/actions.ts`, name: "changePasswordAction", access: "signed-in", postTo: "/account" },
  // Two-factor (outside the (app) layout, which sends those who must enrol here).
  { kind: "page", file: `${TENANT}/(second-factor)/two-factor/setup/page.tsx`, host: "tenant", access: "signed-in" },
  { kind: "page", file: `${TENANT}/(second-factor)/two-factor/verify/page.tsx`, host: "tenant", access: "signed-in" },
  { kind: "action", file: `${TENANT}/(second-factor)/two-factor/actions.ts`, name: "confirmTwoFactorAction", access: "signed-in", postTo: "/two-factor/setup" },
  { kind: "action", file: `${TENANT}/(second-factor)/two-factor/actions.ts`, name: "disableTwoFactorAction", access: "signed-in", postTo: "/two-factor/setup" },
  { kind: "action", file: `${TENANT}/(second-factor)/two-factor/actions.ts`, name: "verifySecondFactorAction", access: "signed-in", postTo: "/two-factor/verify" },

  { kind: "page", file: `${APP}/members/page.tsx`, host: "tenant", access: "members:read" },
  { kind: "page", file: `${APP}/members/new/page.tsx`, host: "tenant", access: "members:write" },
  // Members CSV (P2): the export is audited; the import's handler serves the template (GET), a preview (POST text/csv)
  // and the commit (POST JSON, progress streamed).
  { kind: "handler", file: `${APP}/members/export/route.ts`, host: "tenant", methods: ["GET"], access: "members:read" },
  { kind: "page", file: `${APP}/members/import/page.tsx`, host: "tenant", access: "members:write" },
  { kind: "handler", file: `${APP}/members/import/csv/route.ts`, host: "tenant", methods: ["GET", "POST"], access: "members:write" },
  { kind: "page", file: `${APP}/members/[id]/page.tsx`, host: "tenant", access: "members:read", object: { resource: "member", param: "id" } },
  { kind: "action", file: `${APP}/members/actions.ts`, name: "createMemberAction", postTo: "/members/new" },
  {
    kind: "action",
    file: `${APP}/members/actions.ts`,
    name: "updateMemberAction",
    object: { resource: "member", param: "id" },
    postTo: "/members/[id]",
  },
  {
    kind: "action",
    file: `${APP}/members/actions.ts`,
    name: "archiveMemberAction",
    object: { resource: "member", param: "id" },
    postTo: "/members/[id]",
  },

  // Ties a member record to a login, so that person sees "My dues".
  {
    kind: "action",
    file: `${APP}/members/actions.ts`,
    name: "linkMemberLoginAction",
    object: { resource: "member", param: "memberId" },
    postTo: "/members/[id]",
  },

  // The treasurer's dues: plans and enrolments, issuing, invoices by state (and their CSV), one invoice's ledger, arrears.
  { kind: "page", file: `${APP}/dues/page.tsx`, host: "tenant", access: "dues:read" },
  { kind: "page", file: `${APP}/dues/invoices/page.tsx`, host: "tenant", access: "dues:read" },
  { kind: "page", file: `${APP}/dues/invoices/[id]/page.tsx`, host: "tenant", access: "dues:read", object: { resource: "duesInvoice", param: "id" } },
  { kind: "handler", file: `${APP}/dues/invoices/export/route.ts`, host: "tenant", methods: ["GET"], access: "dues:read" },
  { kind: "page", file: `${APP}/dues/arrears/page.tsx`, host: "tenant", access: "dues:read" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "createPlanAction", postTo: "/dues" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "setPlanActiveAction", object: { resource: "duesPlan", param: "planId" }, postTo: "/dues" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "enrolMemberAction", object: { resource: "member", param: "memberId" }, postTo: "/dues" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "issuePeriodAction", object: { resource: "duesPlan", param: "planId" }, postTo: "/dues" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "issueInvoiceAction", object: { resource: "member", param: "memberId" }, postTo: "/dues" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "openInvoiceAction", object: { resource: "duesInvoice", param: "invoiceId" }, postTo: "/dues/invoices/[id]" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "voidInvoiceAction", object: { resource: "duesInvoice", param: "invoiceId" }, postTo: "/dues/invoices/[id]" },
  { kind: "action", file: `${APP}/dues/actions.ts`, name: "recordPaymentAction", object: { resource: "duesInvoice", param: "invoiceId" }, postTo: "/dues/invoices/[id]" },
  // Welfare cases (P5): the list and a case never show notes; the notes page is for their readers
  // (welfare:notes, and a case's creator, who always holds welfare:write and so welfare:notes today).
  // Approving, rejecting and paying are welfare:approve, and the service refuses the requester.
  { kind: "page", file: `${APP}/welfare/page.tsx`, host: "tenant", access: "welfare:read" },
  { kind: "page", file: `${APP}/welfare/new/page.tsx`, host: "tenant", access: "welfare:write" },
  { kind: "page", file: `${APP}/welfare/[id]/page.tsx`, host: "tenant", access: "welfare:read", object: { resource: "welfareCase", param: "id" } },
  { kind: "page", file: `${APP}/welfare/[id]/notes/page.tsx`, host: "tenant", access: "welfare:notes", object: { resource: "welfareCase", param: "id" } },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "openWelfareCaseAction", object: { resource: "member", param: "memberId" }, postTo: "/welfare/new" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "updateWelfareNotesAction", object: { resource: "welfareCase", param: "caseId" }, postTo: "/welfare/[id]/notes" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "closeWelfareCaseAction", object: { resource: "welfareCase", param: "caseId" }, postTo: "/welfare/[id]" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "requestDisbursementAction", object: { resource: "welfareCase", param: "caseId" }, postTo: "/welfare/[id]" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "approveDisbursementAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, postTo: "/welfare/[id]" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "rejectDisbursementAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, postTo: "/welfare/[id]" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "recordDisbursementPaidAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, postTo: "/welfare/[id]" },
  // Marked failed or recorded as paid: only a payout M-Pesa has left unconfirmed for a day; anything else is refused (CONFLICT) and writes nothing.
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "markB2cPayoutFailedAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, audits: 0, postTo: "/welfare/[id]" },
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "recordB2cPayoutPaidAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, audits: 0, postTo: "/welfare/[id]" },
  // Paying by M-Pesa records the payout and calls Daraja; in the matrix the disbursement is not approved, so it is refused in the form.
  { kind: "action", file: `${APP}/welfare/actions.ts`, name: "payDisbursementByMpesaAction", object: { resource: "welfareDisbursement", param: "disbursementId" }, audits: 0, postTo: "/welfare/[id]" },
  // The club's own Stripe and M-Pesa accounts (write-only secrets).
  { kind: "page", file: `${APP}/settings/payments/page.tsx`, host: "tenant", access: "billing:manage" },
  { kind: "action", file: `${APP}/settings/payments/actions.ts`, name: "setPaymentCredentialAction", postTo: "/settings/payments" },

  { kind: "page", file: `${APP}/programs/page.tsx`, host: "tenant", access: "programs:read" },
  { kind: "page", file: `${APP}/programs/new/page.tsx`, host: "tenant", access: "programs:write" },
  { kind: "page", file: `${APP}/programs/[id]/page.tsx`, host: "tenant", access: "programs:read", object: { resource: "program", param: "id" } },
  { kind: "action", file: `${APP}/programs/actions.ts`, name: "createProgramAction", postTo: "/programs/new" },
  {
    kind: "action",
    file: `${APP}/programs/actions.ts`,
    name: "createLocationAction",
    object: { resource: "program", param: "programId" },
    postTo: "/programs/[id]",
  },

  { kind: "page", file: `${APP}/beneficiaries/page.tsx`, host: "tenant", access: "beneficiaries:read" },
  { kind: "page", file: `${APP}/beneficiaries/new/page.tsx`, host: "tenant", access: "beneficiaries:write" },
  {
    kind: "page",
    file: `${APP}/beneficiaries/[id]/page.tsx`,
    host: "tenant",
    access: "beneficiaries:read",
    object: { resource: "beneficiary", param: "id" },
  },
  {
    kind: "action",
    file: `${APP}/beneficiaries/actions.ts`,
    name: "createBeneficiaryAction",
    object: { resource: "location", param: "locationId" },
    postTo: "/beneficiaries/new",
  },
  {
    kind: "action",
    file: `${APP}/beneficiaries/actions.ts`,
    name: "updateBeneficiaryAction",
    object: { resource: "beneficiary", param: "id" },
    postTo: "/beneficiaries/[id]",
  },
  // Attachments (M6.6, M6.2): GET lists them, or with ?file= serves one as a download (attachment, nosniff, its sniffed type);
  // POST uploads an image or PDF (raw body, 413 past 10 MB). A beneficiary's follow its reach; a welfare case's are as
  // confidential as its notes (welfare:notes, or the case's creator). Adding needs beneficiaries:write / welfare:write too.
  { kind: "handler", file: `${APP}/beneficiaries/[id]/attachments/route.ts`, host: "tenant", methods: ["GET", "POST", "DELETE"], access: "beneficiaries:read", object: { resource: "beneficiary", param: "id" } },
  { kind: "handler", file: `${APP}/welfare/[id]/attachments/route.ts`, host: "tenant", methods: ["GET", "POST", "DELETE"], access: "welfare:notes", object: { resource: "welfareCase", param: "id" } },
  // Beneficiary batches (P6): upload (raw body, streamed, 413 past 10 MB), the template, the report page and CSV, progress, process or discard; the owner's retention.
  { kind: "page", file: `${APP}/batches/page.tsx`, host: "tenant", access: "batches:manage" },
  { kind: "handler", file: `${APP}/batches/template/route.ts`, host: "tenant", methods: ["GET"], access: "batches:manage" },
  { kind: "handler", file: `${APP}/batches/upload/route.ts`, host: "tenant", methods: ["GET", "POST"], access: "batches:manage" },
  { kind: "page", file: `${APP}/batches/[id]/page.tsx`, host: "tenant", access: "batches:manage", object: { resource: "batch", param: "id" } },
  { kind: "handler", file: `${APP}/batches/[id]/progress/route.ts`, host: "tenant", methods: ["GET"], access: "batches:manage", object: { resource: "batch", param: "id" } },
  { kind: "handler", file: `${APP}/batches/[id]/report/route.ts`, host: "tenant", methods: ["GET"], access: "batches:manage", object: { resource: "batch", param: "id" } },
  { kind: "action", file: `${APP}/batches/actions.ts`, name: "processBatchAction", object: { resource: "batch", param: "id" }, postTo: "/batches/[id]" },
  { kind: "action", file: `${APP}/batches/actions.ts`, name: "discardBatchAction", object: { resource: "batch", param: "id" }, postTo: "/batches/[id]" },
  { kind: "action", file: `${APP}/batches/actions.ts`, name: "setRetentionAction", postTo: "/batches" },

  // The owner lets platform support in for a limited time, and revokes it (audited on both chains).
  { kind: "page", file: `${APP}/support-access/page.tsx`, host: "tenant", access: "support:grant" },
  {
    kind: "action",
    file: `${APP}/support-access/actions.ts`,
    name: "grantSupportAccessAction",
    postTo: "/support-access",
  },
  {
    kind: "action",
    file: `${APP}/support-access/actions.ts`,
    name: "revokeSupportAccessAction",
    postTo: "/support-access",
  },
  // A member's own dues and payments. Paying starts a Stripe Checkout or an M-Pesa STK push; the pay
  // actions themselves audit nothing (the pending M-Pesa row is audited when the push is accepted, and
  // the matrix's phone is refused first); another member's invoice is not found.
  { kind: "page", file: `${APP}/my-dues/page.tsx`, host: "tenant", access: "dues:own" },
  { kind: "action", file: `${APP}/my-dues/actions.ts`, name: "payByCardAction", object: { resource: "payable-invoice", param: "invoiceId" }, audits: 0, postTo: "/my-dues" },
  { kind: "action", file: `${APP}/my-dues/actions.ts`, name: "payByMpesaAction", object: { resource: "payable-invoice", param: "invoiceId" }, audits: 0, postTo: "/my-dues" },
  {
    kind: "handler",
    file: `${APP}/my-dues/[invoiceId]/progress/route.ts`,
    host: "tenant",
    methods: ["GET"],
    access: "dues:own",
    object: { resource: "payable-invoice", param: "invoiceId" },
  },
  // A reminder's pay link: no sign-in; the signed token names the one invoice (an expired or altered one: a
  // clear error page, and 404 from its progress read). Its actions are rate-limited per IP.
  { kind: "page", file: `${TENANT}/(public)/pay/[token]/page.tsx`, host: "tenant", access: "public", object: { resource: "payable-invoice", param: "token" } },
  { kind: "action", file: `${TENANT}/(public)/pay/[token]/actions.ts`, name: "payLinkByCardAction", access: "public", audits: 0, postTo: "/pay/[token]" },
  { kind: "action", file: `${TENANT}/(public)/pay/[token]/actions.ts`, name: "payLinkByMpesaAction", access: "public", postTo: "/pay/[token]" },
  { kind: "handler", file: `${TENANT}/(public)/pay/[token]/progress/route.ts`, host: "tenant", methods: ["GET"], access: "public", answers: 404 },

  // Donations (treasurer): the list, a gift recorded by hand, a donor with their receipts (each PDF, a correction
  // cancels and reissues), the donor's annual statement (page and PDF).
  { kind: "page", file: `${APP}/donations/page.tsx`, host: "tenant", access: "donations:read" },
  { kind: "page", file: `${APP}/donations/new/page.tsx`, host: "tenant", access: "donations:write" },
  { kind: "page", file: `${APP}/donations/donors/[id]/page.tsx`, host: "tenant", access: "donations:read", object: { resource: "donor", param: "id" } },
  { kind: "page", file: `${APP}/donations/donors/[id]/statement/page.tsx`, host: "tenant", access: "donations:read", object: { resource: "donor", param: "id" } },
  { kind: "handler", file: `${APP}/donations/donors/[id]/statement/pdf/route.ts`, host: "tenant", methods: ["GET"], access: "donations:read", object: { resource: "donor", param: "id" } },
  { kind: "handler", file: `${APP}/donations/receipts/[id]/pdf/route.ts`, host: "tenant", methods: ["GET"], access: "donations:read", object: { resource: "donorReceipt", param: "id" } },
  { kind: "action", file: `${APP}/donations/actions.ts`, name: "recordDonationAction", postTo: "/donations/new" },
  { kind: "page", file: `${APP}/donations/receipts/[id]/page.tsx`, host: "tenant", access: "donations:read", object: { resource: "donorReceipt", param: "id" } },
  { kind: "action", file: `${APP}/donations/actions.ts`, name: "correctReceiptAction", object: { resource: "donorReceipt", param: "receiptId" }, postTo: "/donations/receipts/[id]" },
  // The club's public donation page: no sign-in; giving (M-Pesa or card) is rate-limited per IP like pay links,
  // and a club without M-Pesa (or Stripe, for a card gift) records nothing. Its progress read answers 404 without a payment; a donor's receipt link
  // (signed, expiring) is 404 when altered.
  { kind: "page", file: `${TENANT}/(public)/donate/page.tsx`, host: "tenant", access: "public" },
  { kind: "action", file: `${TENANT}/(public)/donate/actions.ts`, name: "giveByMpesaAction", access: "public", audits: 0, postTo: "/donate" },
  { kind: "action", file: `${TENANT}/(public)/donate/actions.ts`, name: "giveByCardAction", access: "public", audits: 0, postTo: "/donate" },
  { kind: "handler", file: `${TENANT}/(public)/donate/progress/route.ts`, host: "tenant", methods: ["GET"], access: "public", answers: 404 },
  { kind: "handler", file: `${TENANT}/(public)/receipts/[token]/route.ts`, host: "tenant", methods: ["GET"], access: "public", answers: 404 },

  { kind: "page", file: `${APP}/audit/page.tsx`, host: "tenant", access: "audit:read" },
  { kind: "handler", file: `${APP}/audit/export/route.ts`, host: "tenant", methods: ["GET"], access: "audit:read" },

  // Route handlers and metadata files.
  { kind: "handler", file: "app/api/auth/[...nextauth]/route.ts", host: "any", methods: ["GET", "POST"], access: "public", sample: "/api/auth/csrf" },
  { kind: "handler", file: "app/api/health/route.ts", host: "any", methods: ["GET"], access: "public" },
  // Stripe's signed webhook on each club's subdomain: the signature is the credential, so GET (the probe) is 405.
  { kind: "handler", file: "app/api/webhooks/stripe/route.ts", host: "tenant", methods: ["POST"], access: "public", answers: 405 },
  // Daraja's STK callback on the club's subdomain: the path's per-club token authenticates it (GET: 405; a wrong token: 404).
  { kind: "handler", file: "app/api/webhooks/mpesa/[token]/route.ts", host: "tenant", methods: ["POST"], access: "public", sample: "/api/webhooks/mpesa/sample-token", answers: 405 },
  // Daraja's B2C result (welfare payouts), verified the same way as the STK callback.
  { kind: "handler", file: "app/api/webhooks/mpesa/[token]/b2c/route.ts", host: "tenant", methods: ["POST"], access: "public", sample: "/api/webhooks/mpesa/sample-token/b2c", answers: 405 },
  // The answer to the B2C reconcile job's Transaction Status query, verified the same way.
  { kind: "handler", file: "app/api/webhooks/mpesa/[token]/b2c/status/route.ts", host: "tenant", methods: ["POST"], access: "public", sample: "/api/webhooks/mpesa/sample-token/b2c/status", answers: 405 },
  { kind: "handler", file: "app/icon.svg", host: "tenant", methods: ["GET"], access: "public" },
];

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The service an action hands its form to, read from its module:
 * `memberAction(service, …)`, `platformAction(service, …)` or
 * `formAction(subject, service, …)`, and the module it is imported from.
 */
export function serviceOf(route: { file: string; name: string }): { name: string; module: string } | null {
  const source = readFileSync(path.join(ROOT, route.file), "utf8");
  const line = source.split("\n").find((l) => l.startsWith(`export const ${route.name} = `));
  const call = line ? /= (?:(?:memberAction|platformAction)\((\w+)|formAction\(\w+, (\w+))/.exec(line) : null;
  const name = call && (call[1] ?? call[2]);
  if (!name) return null;
  const from = [...source.matchAll(/^import \{([^}]*)\} from "@\/(lib\/services\/[\w-]+)";$/gm)].find((m) => m[1].split(",").map((n) => n.trim()).includes(name));
  return from ? { name, module: `${from[2]}.ts` } : null;
}

type ServiceFunction = { action?: string; capability?: Capability | null; kind?: MutationKind };

/** An action with what the code says it requires: its mutation's capability, or the access declared for it above. */
async function derive(route: DeclaredAction): Promise<ActionRoute> {
  const service = serviceOf(route);
  if (!service) throw new Error(`${route.file}#${route.name}: build the action with memberAction, platformAction or formAction around a service from lib/services`);
  const exports = (await import(pathToFileURL(path.join(ROOT, service.module)).href)) as Record<string, ServiceFunction | undefined>;
  const called = exports[service.name];
  if (called?.capability) {
    if (route.access) throw new Error(`${route.name}: its ${called.action ? `mutation ${called.action}` : "service"} says ${called.capability}; do not restate access in the manifest`);
    return { ...route, access: called.capability, mutation: called.action, guard: called.capability, audits: route.audits ?? (called.kind === "platform" ? 2 : 1) };
  }
  if (!route.access) throw new Error(`${route.name}: ${service.name} is guarded by no capability, so declare the action's access in the manifest (or say its capability in the service)`);
  return { ...route, access: route.access, mutation: called?.action, audits: route.audits ?? 1 };
}

export const ROUTES: readonly Route[] = await Promise.all(DECLARED.map((route) => (route.kind === "action" ? derive(route) : route)));

/** The URL path a page or handler file serves: route groups dropped, the apex site's `/site` prefix removed. */
export function routePath(file: string): string {
  const segments = file.split("/").slice(1, -1).filter((s) => !/^\(.*\)$/.test(s));
  const last = file.split("/").at(-1)!;
  // A metadata file (icon.svg, robots.ts…) is served under its own name.
  if (!/^(page|route)\.[jt]sx?$/.test(last)) segments.push(last.replace(/\.[jt]s$/, ""));
  if (segments[0] === "site") segments.shift();
  return `/${segments.join("/")}`;
}

/** A route's label in the generated table and the matrix output. */
export function routeLabel(route: Route): string {
  return route.kind === "action" ? `${route.name} (${route.postTo})` : routePath(route.file);
}
