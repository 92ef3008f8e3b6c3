import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { ROLES, type RoleName } from "../lib/authz/capabilities";
import { ROUTES, routePath, type ActionRoute } from "../tests/support/route-manifest";
import { PORT, rawRequest, signIn, tenantUrl, type RawResponse } from "./support/app";
import { batchesSettled, connectOwner } from "./support/database";
import { arrangeInvoice, arrangeOtherMember, releaseServerDatabase } from "./support/dues";
import { auditCount, groundTruth } from "./support/ground-truth";
import { buildChecks, callOf, labelOf, loginOf, memberRoutes, type Check } from "./support/matrix";
import { arrangeMatrixDonations } from "./support/matrix-donations";
import { arrangeMatrixBatches } from "./support/matrix-batches";
import { arrangeMatrixDues } from "./support/matrix-dues";
import { arrangeMatrixWelfare } from "./support/matrix-welfare";
import { actionId, builtActions, postAction } from "./support/server-actions";

/**
 * The continuous isolation matrix (promises M4.4, B3.5): every role of one
 * organisation requests every signed-in route of the route manifest — with
 * its own objects, another organisation's, objects outside its reach and a
 * missing one — over real HTTP against the production build, and gets exactly
 * the 200 or 404 the capability table and the reach rule say. Refused
 * requests change nothing (no audit entry anywhere); allowed mutations write
 * exactly one. Every 404 for an object is byte-for-byte the missing object's.
 */
test.describe.configure({ mode: "serial" });

const HOME = "ikeja-relief";
const FOREIGN = "kilimani";
const tenantHost = (slug: string) => `${slug}.localhost:${PORT}`;
/** What lib/http/route-handler.ts answers for a service's not-found. */
const NOT_FOUND_REPLY = JSON.stringify({ error: "Not found" });

// The seed bills no dues in the NGO: its member's own invoice, and another member's, for the pay routes.
test.beforeAll(async () => {
  const db = await connectOwner();
  try {
    if ((await groundTruth(db, HOME)).objects.some((o) => o.resource === "payable-invoice")) return;
  } finally {
    await db.end();
  }
  await arrangeInvoice(HOME);
  await arrangeInvoice(HOME, { memberId: await arrangeOtherMember(HOME) });
});
test.afterAll(() => releaseServerDatabase());

async function sessionCookie(browser: Browser, email: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, HOME, email);
  const cookies = await context.cookies(tenantUrl(HOME));
  await context.close();
  return cookies
    .filter((c) => c.name.includes("harambee.session"))
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
}

// The NGO keeps no dues or welfare of its own: its treasurer (and admin) set up what those routes act on, through the app's actions.
test.beforeAll(async ({ browser }) => {
  const db = await connectOwner();
  try {
    const planIdByName = async (name: string) => (await db.query<{ id: string }>("SELECT id FROM dues_plan WHERE name = $1", [name])).rows[0].id;
    const treasurer = await sessionCookie(browser, loginOf("TREASURER", HOME));
    await arrangeMatrixDues(tenantHost(HOME), treasurer, planIdByName);
    await arrangeMatrixDonations(tenantHost(HOME), treasurer, db);
    await arrangeMatrixWelfare(tenantHost(HOME), { admin: await sessionCookie(browser, loginOf("ADMIN", HOME)), treasurer }, {
      memberId: async () => (await db.query<{ id: string }>("SELECT m.id FROM member m JOIN organization o ON o.id = m.organization_id WHERE o.slug = $1 ORDER BY m.created_at, m.id LIMIT 1", [HOME])).rows[0].id,
      disbursementIdByReason: async (reason) => (await db.query<{ id: string }>("SELECT id FROM welfare_disbursement WHERE reason = $1", [reason])).rows[0].id,
    });
    const ikeja = await db.query<{ id: string }>("SELECT l.id FROM location l JOIN organization o ON o.id = l.organization_id WHERE o.slug = $1 AND l.name = 'Ikeja'", [HOME]);
    await arrangeMatrixBatches(tenantHost(HOME), await sessionCookie(browser, loginOf("LOCATION_ADMIN", HOME)), ikeja.rows[0].id);
  } finally {
    await db.end();
  }
});

test("[M4.3] on the seeded NGO, field managers, the location admin, the program manager and the admin see 12 / 8 / 6 / 15 / 23 / 29 beneficiaries (plus those imported by batches, at Ikeja)", async ({ browser }) => {
  // Batches (the seed's and e2e/batches.spec.ts's) import at Ikeja, uploaded by its location admin: within the reach of
  // the location admin, the program manager and the admin, never a field manager's.
  test.setTimeout(240_000);
  const db = await connectOwner();
  const imported = await batchesSettled(db, HOME)
    .then(() => db.query<{ n: number }>("SELECT count(*)::int AS n FROM beneficiary b JOIN organization o ON o.id = b.organization_id WHERE o.slug = $1 AND b.batch_row_id IS NOT NULL", [HOME]))
    .finally(() => db.end());
  const batch = imported.rows[0].n;
  const expected = { "field-manager": 12, "field-manager-2": 8, "field-manager-3": 6, "location-admin": 15 + batch, "program-manager": 23 + batch, admin: 29 + batch };
  const seen: Record<string, [number, string | null]> = {};
  for (const key of Object.keys(expected)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, HOME, `${key}@${HOME}.test`);
    await page.goto(tenantUrl(HOME, "/beneficiaries"));
    seen[key] = [await page.getByTestId("beneficiary-list").locator("tbody tr").count(), await page.getByTestId("beneficiary-total").textContent()];
    await context.close();
  }
  // The list shows a page of 50; the total counts them all.
  expect(seen).toEqual(Object.fromEntries(Object.entries(expected).map(([k, n]) => [k, [Math.min(n, 50), String(n)]])));
});

test("[M4.4] [B3.5] every role × every route × own / foreign / out-of-reach / missing object answers exactly as the tables say", async ({ browser }) => {
  test.setTimeout(900_000);
  const db = await connectOwner();
  try {
    const checks = buildChecks(HOME, await groundTruth(db, HOME), await groundTruth(db, FOREIGN));
    const cookies = {} as Record<RoleName, string>;
    for (const role of ROLES) cookies[role] = await sessionCookie(browser, loginOf(role, HOME));

    const unexpected: string[] = [];
    const notFoundBodies = new Map<string, Map<string, string>>();
    for (const check of checks) {
      const outcome = await run(check, cookies[check.role], () => auditCount(db));
      if (outcome.problem) unexpected.push(`${labelOf(check)}: ${outcome.problem}`);
      if (outcome.response.status === 404 && check.target) {
        const key = `${check.role} ${check.route.kind} ${check.route.file} ${check.route.kind === "action" ? check.route.name : ""}`;
        const bodies = notFoundBodies.get(key) ?? new Map<string, string>();
        bodies.set(check.case, comparable(outcome.response.body, check));
        notFoundBodies.set(key, bodies);
      }
    }
    // Forbidden, foreign and out-of-reach look exactly like missing: same status, same body.
    let sameBody = 0;
    for (const [key, bodies] of notFoundBodies) {
      const missing = bodies.get("missing");
      if (missing === undefined) {
        unexpected.push(`${key}: no 404 for a missing object`);
        continue;
      }
      for (const [kase, body] of bodies) {
        if (kase === "missing") continue;
        sameBody += 1;
        if (body !== missing) unexpected.push(`${key} [${kase}]: its 404 body differs from a missing object's`);
      }
    }

    const routes = new Set(checks.map((c) => `${c.route.file}#${c.route.kind === "action" ? c.route.name : ""}`)).size;
    const cases = new Map<string, number>();
    for (const c of checks) cases.set(c.case, (cases.get(c.case) ?? 0) + 1);
    const byCase = [...cases].map(([k, n]) => `${k} ${n}`);
    const allowed = checks.filter((c) => c.allowed).length;
    const summary =
      `isolation matrix: ${checks.length} checks = ${ROLES.length} roles × ${routes} routes × cases (${byCase.join(", ")}); ` +
      `${allowed} allowed, ${checks.length - allowed} not found; ${sameBody} 404 bodies compared with a missing object's; ` +
      `${unexpected.length} unexpected answers`;
    console.log(summary);
    test.info().annotations.push({ type: "isolation-matrix", description: summary });
    expect(unexpected).toEqual([]);
    // Nothing skipped: every role met every signed-in route of the manifest.
    expect(new Set(checks.map((c) => `${c.role} ${c.route.file} ${c.route.kind === "action" ? c.route.name : ""}`)).size).toBe(ROLES.length * memberRoutes().length);
  } finally {
    await db.end();
  }
});

/**
 * A body as it may be compared across requests: the ids in the path, the
 * requested object's id, the per-request id Next puts in an action's reply
 * (its viewport and metadata keys, `<id>v` / `<id>m`) and the page's CSP
 * nonce replaced by placeholders.
 */
function comparable(body: string, check: Check): string {
  const requestId = /"([A-Za-z0-9_-]{10,})v",\{"children"/.exec(body)?.[1];
  // An HTML page carries it as an attribute, an action's reply as a JSON property.
  const nonce = /nonce(?:=|":)"([^"]+)"/.exec(body)?.[1];
  const placeholders: [string | undefined, string][] = [
    ...(check.path.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []).map((id) => [id, ":page"] as [string, string]),
    [check.target?.id, ":id"],
    [requestId, ":request"],
    [nonce, ":nonce"],
  ];
  return placeholders.reduce((text, [value, placeholder]) => (value ? text.split(value).join(placeholder) : text), body);
}

/** Where an action's reply sends the browser (`x-action-redirect: <url>;<push|replace>`), as an absolute URL. */
function redirectTarget(response: RawResponse, host: string): string | undefined {
  const header = response.headers["x-action-redirect"];
  return typeof header === "string" ? new URL(header.split(";")[0], `http://${host}`).href : undefined;
}

/** Requests one check and says what, if anything, was wrong with the answer. */
async function run(check: Check, cookie: string, audits: () => Promise<number>): Promise<{ response: RawResponse; problem?: string }> {
  const host = tenantHost(HOME);
  if (check.route.kind !== "action") {
    const response = await rawRequest({ host, path: check.path, headers: { cookie } });
    const want = check.allowed ? 200 : 404;
    if (response.status !== want) return { response, problem: `expected ${want}, got ${response.status}` };
    // The one not-found page (or, from a route handler, the one not-found reply), not some other answer that happens to say 404.
    const notFoundShown = check.route.kind === "handler" ? response.body === NOT_FOUND_REPLY : response.body.includes("Page not found");
    return { response, problem: check.allowed || notFoundShown ? undefined : "404 without the not-found page" };
  }
  const route = check.route as ActionRoute;
  const before = await audits();
  const response = await postAction({ host, path: check.path, cookie, id: actionId(route.file, route.name), call: callOf({ ...check, route }) });
  const written = (await audits()) - before;
  const expected = route.audits ?? 1;
  if (check.allowed && (response.status !== 200 || written !== expected)) return { response, problem: `expected 200 and ${expected} audit entries, got ${response.status} and ${written}` };
  if (!check.allowed && (response.status !== 404 || written !== 0)) return { response, problem: `expected 404 and no audit entry, got ${response.status} and ${written}` };
  if (!check.allowed && !response.body.includes("NEXT_HTTP_ERROR_FALLBACK;404")) return { response, problem: "404 without Next's not-found signal" };
  if (route.name === "logout" && redirectTarget(response, host) !== `http://${host}/login`) return { response, problem: "sign-out did not send to this host's /login" };
  return { response };
}

test("[M4.4] signed out, every member route sends to sign-in and no action changes anything", async () => {
  const db = await connectOwner();
  try {
    const home = await groundTruth(db, HOME);
    const host = tenantHost(HOME);
    let count = 0;
    for (const route of memberRoutes()) {
      const ref = route.object;
      const id = ref ? home.objects.find((o) => o.resource === ref.resource)!.id : "";
      if (route.kind === "action") {
        const target = route.postTo.replace(/\[\w+\]/g, id);
        const before = await auditCount(db);
        // The session is checked before the arguments are used, so one argument shape fits every action.
        const call = { fields: ref ? { [ref.param]: id } : {} };
        const response = await postAction({ host, path: target, id: actionId(route.file, route.name), call });
        expect(response.status, route.name).toBe(200);
        expect(redirectTarget(response, host), route.name).toBe(`http://${host}/login`);
        expect(await auditCount(db), route.name).toBe(before);
      } else {
        const response = await rawRequest({ host, path: routePath(route.file).replace(/\[\w+\]/g, id) });
        expect(response.status, route.file).toBe(307);
        expect(response.headers.location, route.file).toMatch(/^\/login/);
      }
      count += 1;
    }
    console.log(`signed-out checks: ${count} member routes`);
  } finally {
    await db.end();
  }
});

test("public routes answer anyone, on the host the manifest names", async () => {
  for (const route of ROUTES) {
    if (route.access !== "public" || route.kind === "action") continue;
    const host = route.host === "apex" ? `localhost:${PORT}` : tenantHost(HOME);
    const target = route.kind === "handler" && route.sample ? route.sample : routePath(route.file);
    expect((await rawRequest({ host, path: target })).status, `${host}${target}`).toBe(route.answers ?? 200);
  }
});

test("[M4.4] the production build serves exactly the manifest's routes and server actions", async () => {
  const appPaths = Object.keys(
    JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../.next/server/app-paths-manifest.json"), "utf8")) as Record<string, string>,
  ).filter((p) => !["/_not-found/page", "/_global-error/page"].includes(p));
  const manifestFiles = ROUTES.filter((r) => r.kind !== "action").map((r) => r.file.replace(/\.[jt]sx?$/, ""));
  // "/members/[id]/page" → app/members/[id]/page; a metadata file "/icon.svg/route" (no route.ts of its own) → app/icon.svg.
  const hasSource = (file: string) => [".ts", ".tsx"].some((ext) => existsSync(path.resolve(import.meta.dirname, "..", `${file}${ext}`)));
  const sourceOf = (appPath: string) => (hasSource(`app${appPath}`) ? `app${appPath}` : `app${appPath.replace(/\/route$/, "")}`);
  expect(appPaths.map(sourceOf).filter((f) => !manifestFiles.includes(f))).toEqual([]);
  const actions = Object.values(builtActions()).map((a) => `${a.filename}#${a.exportedName}`);
  const manifestActions = ROUTES.filter((r) => r.kind === "action").map((r) => `${r.file}#${(r as ActionRoute).name}`);
  expect(actions.filter((a) => !manifestActions.includes(a))).toEqual([]);
});
