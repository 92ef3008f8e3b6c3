import type pg from "pg";
import { expect, test } from "@playwright/test";
import { ROUTES, routePath, type ActionRoute, type ObjectResource, type Route } from "../tests/support/route-manifest";
import { PORT, rawRequest, type RawResponse } from "./support/app";
import { connectOwner } from "./support/database";
import { releaseServerDatabase } from "./support/dues";
import {
  arrangeFuzzWorld,
  baseForm,
  changes,
  FORM_VALUES,
  holderOf,
  LONG_QUERY_VALUE,
  primaryPerson,
  QUERY_NAMES,
  QUERY_VALUES,
  rowCounts,
  type FuzzPerson,
  type FuzzWorld,
} from "./support/fuzz";
import { mpesaCallbackToken } from "./support/mpesa";
import { actionId, postAction } from "./support/server-actions";

/**
 * Hostile input against every route of the route manifest (so a new route is
 * fuzzed the day it lands), on the production build, as the roles of one club
 * and one NGO the spec makes for itself: hostile query values to every page
 * and GET handler, hostile field values to every server action, and wrong
 * content types, malformed JSON and oversized bodies to every route handler
 * and webhook. No answer may be a 5xx; a refused input changes no row of the
 * spec's organisations (every table with organization_id, audit entries
 * included); an accepted one appends exactly its audit entries, and a name
 * it stored reads back as typed (NFC).
 */
test.describe.configure({ mode: "serial" });

let world: FuzzWorld;
let db: pg.Client;
const tally = { requests: 0, routes: new Set<string>(), accepted: 0, refused: 0 };
/** What the running test found wrong; each test ends by expecting none. */
const problems: string[] = [];

/** Identity refusals are audited by design (a wrong code, a wrong password): one entry, nothing else. */
const AUDITED_REFUSALS = new Set(["changePasswordAction", "confirmTwoFactorAction", "disableTwoFactorAction", "verifySecondFactorAction"]);
/** A text field an accepted action stores in plain text, to read back: action.field → table.column. */
const READBACK: Record<string, [string, string]> = {
  "createMemberAction.firstName": ["member", "first_name"],
  "createMemberAction.lastName": ["member", "last_name"],
  "updateMemberAction.firstName": ["member", "first_name"],
  "updateMemberAction.lastName": ["member", "last_name"],
  "createPlanAction.name": ["dues_plan", "name"],
  "createProgramAction.name": ["program", "name"],
  "createProgramAction.description": ["program", "description"],
  "createLocationAction.name": ["location", "name"],
  "createBeneficiaryAction.firstName": ["beneficiary", "first_name"],
  "createBeneficiaryAction.lastName": ["beneficiary", "last_name"],
  "updateBeneficiaryAction.firstName": ["beneficiary", "first_name"],
  "updateBeneficiaryAction.lastName": ["beneficiary", "last_name"],
};

const hostOf = (slug: string) => `${slug}.localhost:${PORT}`;
const orgIds = () => [world.club.id, world.ngo.id];
const slugOf = (person: FuzzPerson) => (person.org === "club" ? world.club.slug : world.ngo.slug);

test.beforeAll(async () => {
  world = await arrangeFuzzWorld();
  db = await connectOwner();
});
test.afterAll(async () => {
  await db?.end();
  await releaseServerDatabase();
});

/** Sends `requests` requests (one, or a batch of reads) and records what was wrong with it: a 5xx, or a change it may not make. */
async function probe(
  label: string,
  route: Route,
  requests: number,
  request: () => Promise<RawResponse>,
  allowed: (response: RawResponse, changed: Record<string, number>) => string | null,
) {
  const before = await rowCounts(db, orgIds());
  const response = await request();
  const changed = changes(before, await rowCounts(db, orgIds()));
  tally.requests += requests;
  tally.routes.add(`${route.file}#${route.kind === "action" ? route.name : ""}`);
  if (response.status >= 500) problems.push(`${label}: ${response.status} ${response.body.slice(0, 200)}`);
  else {
    const problem = allowed(response, changed);
    if (problem) problems.push(`${label}: ${problem}`);
  }
  return { response, changed };
}

const nothingChanged = (_r: RawResponse, changed: Record<string, number>) => (Object.keys(changed).length === 0 ? null : `changed ${JSON.stringify(changed)}`);

/** The id a `[param]` names for this person: their organisation's object of the route's resource. */
function objectId(resource: ObjectResource | undefined, person: FuzzPerson | null): string {
  const { club, ngo } = world;
  const ids: Record<ObjectResource, string> = {
    member: club.memberId,
    duesPlan: club.planId,
    duesInvoice: club.invoiceId,
    "payable-invoice": club.invoiceId,
    donor: club.donorId,
    donorReceipt: club.receiptId,
    welfareCase: club.welfareCaseId,
    welfareDisbursement: club.disbursementId,
    program: ngo.programId,
    location: ngo.locationId,
    beneficiary: ngo.beneficiaryId,
    batch: ngo.batchId,
  };
  return resource && person ? ids[resource] : "not-an-id";
}

/** The fault-injection routes fail on purpose (e2e/errors.spec.ts proves their 500 shows nothing); every other route is fuzzed. */
const fuzzed = ROUTES.filter((r) => r.kind === "action" || r.answers !== 500);
const readable = (route: Route) => route.kind === "page" || (route.kind === "handler" && route.methods.includes("GET"));

test("[M6.7] hostile query values to every page and GET handler, as every role: no 5xx, nothing written", async () => {
  test.setTimeout(300_000);
  for (const route of fuzzed.filter(readable)) {
    // An audit or member export is itself audited (one entry each time it is served); every other read writes nothing.
    const audited = route.kind === "handler" && (route.file.includes("/audit/export/") || route.file.includes("/members/export/"));
    const visitors: (FuzzPerson | null)[] = route.access === "public" || route.host === "apex" ? [null] : world.people;
    for (const [index, person] of visitors.entries()) {
      const host = route.host === "apex" ? `localhost:${PORT}` : hostOf(person ? slugOf(person) : world.club.slug);
      const base = route.kind === "handler" && route.sample ? route.sample : routePath(route.file).replace(/\[\w+\]/g, objectId(route.object?.resource, person));
      const who = person ? `${person.org} ${person.role}` : "anonymous";
      // NUL for everyone; the other values shared out between the roles (each still meets every value), the long one for the first.
      const queries = QUERY_VALUES.filter((_v, i) => i === 0 || visitors.length === 1 || i % 3 === index % 3).map((value) => [value, QUERY_NAMES.map((name) => `${name}=${value}`).join("&")]);
      if (index === 0) for (let i = 0; i < QUERY_NAMES.length; i += 2) queries.push([`<5,000 chars> in ${QUERY_NAMES[i]}`, QUERY_NAMES.slice(i, i + 2).map((name) => `${name}=${LONG_QUERY_VALUE}`).join("&")]);
      const paths = queries.map(([value, query]) => [`${who} GET ${base}?…=${value}`, `${base}?${query}`]);
      if (route.object) paths.push([`${who} GET ${routePath(route.file)} with a NUL id`, routePath(route.file).replace(/\[\w+\]/g, "a%00b")]);
      let served = 0;
      await probe(`${who} GET ${base} (${paths.length} queries)`, route, paths.length, async () => {
        for (const [label, path] of paths) {
          const response = await rawRequest({ host, path, headers: person ? { cookie: person.cookie } : {} });
          if (response.status >= 500) problems.push(`${label}: ${response.status} ${response.body.slice(0, 200)}`);
          if (response.status === 200) served += 1;
        }
        return { status: 200, headers: {}, body: "" };
      }, (_r, changed) => (audited && JSON.stringify(changed) === JSON.stringify(served ? { audit_entry: served } : {}) ? null : nothingChanged(_r, changed)));
    }
  }
  expect(problems.splice(0)).toEqual([]);
});

test("[M6.7] the searches that answered 500 now answer 200 with no results", async () => {
  const club = holderOf(world.people, "club", "audit:read");
  const ngo = holderOf(world.people, "ngo", "beneficiaries:read");
  for (const [person, path, empty] of [
    [club, "/members?q=a%00b", "No members match."],
    [ngo, "/beneficiaries?q=a%00b", "No beneficiaries match."],
    [club, "/audit?actor=a%00b&action=member.", "No entries match."],
    [club, "/audit?target=%ED%A0%80", "No entries match."],
  ] as const) {
    const response = await rawRequest({ host: hostOf(slugOf(person)), path, headers: { cookie: person.cookie } });
    expect(response.status, path).toBe(200);
    expect(response.body, path).toContain(empty);
  }
});

/** How an action's reply reads: accepted (a redirect or ok:true), or refused (a field message, a 404, sign-in). */
function accepted(response: RawResponse): boolean {
  const redirect = response.headers["x-action-redirect"];
  if (typeof redirect === "string") return !redirect.startsWith("/login");
  return response.status === 200 && response.body.includes('"ok":true');
}

test("[M6.7] hostile values in every field of every server action, as every role: no 5xx; refused changes nothing, accepted reads back", async () => {
  test.setTimeout(240_000);
  const actions = ROUTES.filter((r): r is ActionRoute => r.kind === "action").sort((a, b) => Number(a.name === "logout") - Number(b.name === "logout"));
  for (const route of actions) {
    const primary = primaryPerson(route, world.people);
    const form = baseForm(route, world);
    const id = actionId(route.file, route.name);
    const apex = route.host === "apex";
    const post = (person: FuzzPerson | null, fields: Record<string, string | Buffer>) => () => {
      const host = apex ? `localhost:${PORT}` : hostOf(person ? slugOf(person) : world.club.slug);
      const path = route.postTo.replace(/\[(\w+)\]/g, (_m, param: string) => (param === "token" ? "not-a-token" : objectId(route.object?.resource, person ?? primary)));
      return postAction({ host, path, cookie: apex ? undefined : person?.cookie, id, call: { fields } });
    };
    // Field by field as the person it is meant for: NUL always, and two other values in turn (all of them for a short form).
    const names = [...Object.keys(form), "note"];
    for (const [i, name] of names.entries()) {
      const values = names.length <= 3 ? FORM_VALUES : [FORM_VALUES[0], FORM_VALUES[1 + ((i * 2) % 7)], FORM_VALUES[1 + ((i * 2 + 1) % 7)]];
      for (const hostile of values) {
        const label = `${primary.org} ${primary.role} ${route.name} ${name}=<${hostile.label}>`;
        const { response } = await probe(label, route, 1, post(primary, { ...form, [name]: hostile.value }), (response, changed) => {
          if (accepted(response)) {
            if (hostile.refusedByRule) return `accepted a value the text rule refuses`;
            // On the spec's organisations' chains: one entry; an apex action's are on the platform chain.
            const expected = apex ? 0 : Math.min(route.audits, 1);
            const audits = changed.audit_entry ?? 0;
            return audits === expected ? null : `accepted with ${audits} audit entries (expected ${expected})`;
          }
          if (AUDITED_REFUSALS.has(route.name) && !hostile.refusedByRule && JSON.stringify(changed) === JSON.stringify({ audit_entry: 1 })) return null;
          return nothingChanged(response, changed);
        });
        tally[accepted(response) ? "accepted" : "refused"] += 1;
        const readback = READBACK[`${route.name}.${name}`];
        if (readback && accepted(response) && typeof hostile.value === "string") {
          const stored = hostile.value.normalize("NFC").trim();
          const found = await db.query(`SELECT 1 FROM "${readback[0]}" WHERE organization_id = ANY($1::uuid[]) AND "${readback[1]}" = $2`, [orgIds(), stored]);
          if (found.rowCount !== 1 && !(found.rowCount! > 1 && route.name.startsWith("update"))) problems.push(`${label}: stored value does not read back (${found.rowCount} rows)`);
        }
      }
    }
    // Every other role: every field NUL at once, refused before any service runs.
    for (const person of world.people.filter((p) => p !== primary)) {
      const fields = Object.fromEntries(names.map((name) => [name, "a\u0000b"]));
      await probe(`${person.org} ${person.role} ${route.name} all fields NUL`, route, 1, post(person, fields), (response, changed) =>
        accepted(response) ? "accepted a NUL form" : nothingChanged(response, changed),
      );
    }
    // The body itself: oversized (past Next's 1 MB action limit), the wrong type, broken multipart.
    const host = apex ? `localhost:${PORT}` : hostOf(slugOf(primary));
    const headers = { "next-action": id, accept: "text/x-component", origin: `http://${host}`, "sec-fetch-site": "same-origin", ...(apex ? {} : { cookie: primary.cookie }) };
    const path = route.postTo.replace(/\[\w+\]/g, objectId(route.object?.resource, primary));
    await probe(`${route.name} 1.5 MB field`, route, 1, post(primary, { ...form, note: "x".repeat(1_500_000) }), nothingChanged);
    await probe(`${route.name} text/plain body`, route, 1, () => rawRequest({ host, path, method: "POST", headers: { ...headers, "content-type": "text/plain" }, body: "hello" }), nothingChanged);
    await probe(`${route.name} broken multipart`, route, 1, () =>
      rawRequest({ host, path, method: "POST", headers: { ...headers, "content-type": "multipart/form-data; boundary=abc" }, body: "--xyz\r\nbroken" }),
      nothingChanged,
    );
    await probe(`${route.name} malformed JSON`, route, 1, () => rawRequest({ host, path, method: "POST", headers: { ...headers, "content-type": "application/json" }, body: '{"0":' }), nothingChanged);
  }
  expect(problems.splice(0)).toEqual([]);
});

test("[M6.7] wrong content types, malformed JSON, hostile JSON and oversized bodies to every route handler and webhook: no 5xx, nothing written", async () => {
  test.setTimeout(120_000);
  const treasurer = holderOf(world.people, "club", "dues:collect");
  const kilimaniToken = await mpesaCallbackToken(db, "kilimani");
  const hostileJson =
    '{"email":"a\\u0000b","password":"\\ud800","next":"\\u0000","Body":{"stkCallback":{"MerchantRequestID":"\\u0000","CheckoutRequestID":"ws_CO_\\u0000",' +
    '"ResultCode":0,"ResultDesc":"\\ud800","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1e309},{"Name":"MpesaReceiptNumber","Value":"AB\\u0000CDEFGHI"}]}}}}';
  const bodies: [string, string | undefined, string | Buffer][] = [
    ["no content type, empty", undefined, ""],
    ["text/plain", "text/plain", "hello"],
    ["malformed JSON", "application/json", '{"Body":'],
    ["hostile JSON", "application/json", hostileJson],
    ["JSON array", "application/json", "[1e309, null]"],
    ["hostile form", "application/x-www-form-urlencoded", "email=a%00b&password=%ED%A0%80&next=%00"],
    ["broken multipart", "multipart/form-data; boundary=abc", "--xyz\r\nbroken"],
    ["2 MB form", "application/x-www-form-urlencoded", `email=${"a".repeat(2_000_000)}`],
  ];
  for (const route of fuzzed.filter((r) => r.kind === "handler")) {
    const webhook = route.file.startsWith("app/api/webhooks/");
    // Webhooks are posted where their senders post them: the demo club that has the provider's account.
    const host = route.host === "apex" ? `localhost:${PORT}` : hostOf(webhook ? "kilimani" : world.club.slug);
    const path = route.file.includes("webhooks/mpesa")
      ? `/api/webhooks/mpesa/${kilimaniToken}${/\[token\](\/.+)?\/route\.ts$/.exec(route.file)?.[1] ?? ""}`
      : route.kind === "handler" && route.sample
        ? route.sample
        : routePath(route.file).replace(/\[\w+\]/g, objectId(route.object?.resource, treasurer));
    for (const [label, type, body] of bodies) {
      const headers: Record<string, string> = { origin: `http://${host}`, "sec-fetch-site": "same-origin", cookie: treasurer.cookie, ...(type ? { "content-type": type } : {}) };
      await probe(`POST ${path} ${label}`, route, 1, () => rawRequest({ host, path, method: "POST", headers, body }), nothingChanged);
    }
  }
  expect(problems.splice(0)).toEqual([]);
});

test("fuzz summary: every route of the manifest was fuzzed; the count of routes and requests", () => {
  const summary = `fuzz: ${tally.routes.size} routes (the manifest's ${ROUTES.length} but its ${ROUTES.length - fuzzed.length} fault-injection routes), ${tally.requests} requests (field-by-field action posts: ${tally.accepted} accepted and read back, ${tally.refused} refused), 0 answers ≥ 500, 0 partial writes`;
  console.log(summary);
  test.info().annotations.push({ type: "fuzz", description: summary });
  expect(tally.routes.size).toBe(fuzzed.length);
});
