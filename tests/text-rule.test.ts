import { describe, expect, test } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ACTION_BODY_LIMIT, actionBodyRefusal, isActionPost } from "@/lib/http/action-body";
import { formBody } from "@/lib/http/form-body";
import { routeHandler } from "@/lib/http/route-handler";
import { readQuery } from "@/lib/schemas/query";
import { checkText, formFields, holdable, MALFORMED_TEXT, queryText, UNHOLDABLE_TEXT } from "@/lib/schemas/text";
import { memberFields, memberListQuery } from "@/lib/schemas/members";

const LONE_HIGH = "\ud800";
const LONE_LOW = "\udc00";

describe("the text rule (lib/schemas/text.ts)", () => {
  test.each([
    ["NUL", "a\u0000b"],
    ["bell", "a\u0007b"],
    ["vertical tab", "a\u000bb"],
    ["escape", "\u001b[31mred"],
    ["unit separator", "a\u001fb"],
    ["DEL", "a\u007fb"],
  ])("[M6.7] refuses %s, a control character the database or a reader should not get", (_name, value) => {
    expect(checkText(value)).toEqual({ ok: false, reason: UNHOLDABLE_TEXT });
  });

  test.each([
    ["a lone high surrogate", `a${LONE_HIGH}b`],
    ["a lone low surrogate", `${LONE_LOW}b`],
    ["a reversed pair", `${LONE_LOW}${LONE_HIGH}`],
  ])("[M6.7] refuses %s", (_name, value) => {
    expect(checkText(value)).toEqual({ ok: false, reason: MALFORMED_TEXT });
  });

  test("keeps tab, newline, emoji (a proper surrogate pair), RTL marks and SQL-looking text as typed", () => {
    for (const value of ["a\tb", "line 1\nline 2", "Wanjiru 👩🏾‍🌾", "\u202eevil\u202c", "'; DROP TABLE member; --", "{{7*7}} ${x}", "1e309"]) {
      expect(checkText(value)).toEqual({ ok: true, value });
    }
  });

  test("normalises to NFC and CRLF (a browser's textarea) to LF", () => {
    expect(checkText("Ame\u0301lie")).toEqual({ ok: true, value: "Amélie" });
    expect(checkText("a\r\nb\rc")).toEqual({ ok: true, value: "a\nb\nc" });
  });

  test("holdable(): a refused string is an issue on its own path, however deep, and the schema behind is not consulted", () => {
    let consulted = false;
    const schema = holdable(
      z.object({ name: z.string(), tags: z.array(z.string()), nested: z.object({ note: z.string() }) }).refine(() => (consulted = true)),
    );
    const result = schema.safeParse({ name: "ok", tags: ["fine", `x${LONE_HIGH}`], nested: { note: "a\u0000b" } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path, i.message])).toEqual([
      [["tags", 1], MALFORMED_TEXT],
      [["nested", "note"], UNHOLDABLE_TEXT],
    ]);
    expect(consulted).toBe(false);
  });

  test("holdable(): limits count the normalised text, and accepted values come back normalised", () => {
    const schema = holdable(z.object({ firstName: z.string().max(6) }));
    expect(schema.parse({ firstName: "Ame\u0301lie" })).toEqual({ firstName: "Amélie" });
    expect(schema.safeParse({ firstName: "Ame\u0301lies" }).success).toBe(false);
  });

  test("a form's fields: a refused field is a field error beside it; lists are checked item by item", () => {
    const result = formFields.safeParse({ firstName: "Wanjiru", lastName: "K\u0000", tag: ["a", "b\u0001"] });
    expect(result.success).toBe(false);
    expect(z.flattenError(result.error!).fieldErrors).toEqual({ lastName: [UNHOLDABLE_TEXT], tag: [UNHOLDABLE_TEXT] });
    expect(formFields.parse({ firstName: "Ame\u0301lie" })).toEqual({ firstName: "Amélie" });
  });

  test("a member's schema behind the rule refuses NUL in a name with a message on that field", () => {
    const result = holdable(memberFields).safeParse({ firstName: "a\u0000b", lastName: "Kamau" });
    expect(z.flattenError(result.error!).fieldErrors).toEqual({ firstName: [UNHOLDABLE_TEXT] });
  });
});

describe("query values (lib/schemas/query.ts readQuery + queryText)", () => {
  const search = queryText(10);

  test("[M6.7] a term the database cannot hold, or longer than the limit, matches nothing (null); empty is no filter", () => {
    expect(search.parse("a\u0000b")).toBeNull();
    expect(search.parse(`a${LONE_HIGH}`)).toBeNull();
    expect(search.parse("x".repeat(11))).toBeNull();
    expect(search.parse("   ")).toBeUndefined();
    expect(search.parse(undefined)).toBeUndefined();
    expect(search.parse(null)).toBeNull();
    expect(search.parse("  Ame\u0301lie ")).toBe("Amélie");
  });

  test("one value per name (the first), from Next's searchParams or a URL alike", () => {
    expect(readQuery(memberListQuery, { q: ["kamau", "other"], archived: "1" })).toEqual({ q: "kamau", archived: "1" });
    expect(readQuery(memberListQuery, new URL("http://x/members?q=a%00b&archived=yes").searchParams)).toEqual({ q: null, archived: undefined });
    expect(readQuery(memberListQuery, {})).toEqual({ q: undefined, archived: undefined });
  });
});

describe("route handler bodies (lib/http/form-body.ts)", () => {
  const post = (body: BodyInit, type: string | null) =>
    new Request("https://kilimani.harambee.africa/login/submit", {
      method: "POST",
      body,
      headers: { ...(type ? { "content-type": type } : {}), host: "kilimani.harambee.africa", origin: "https://kilimani.harambee.africa", "sec-fetch-site": "same-origin" },
    });
  const refusal = async (request: Request) => formBody(request).then(() => null, (error: unknown) => error);

  test("[M6.7] a wrong content type, a malformed multipart body, an oversized body and a NUL field are 400s, never 500s", async () => {
    expect(await refusal(post('{"email":"a"}', "application/json"))).toBeInstanceOf(AppError);
    expect(await refusal(post("email=a", null))).toMatchObject({ code: "INVALID" });
    expect(await refusal(post("--x\r\nbroken", "multipart/form-data; boundary=y"))).toMatchObject({ code: "INVALID" });
    expect(await refusal(post(`email=${"a".repeat(70_000)}`, "application/x-www-form-urlencoded"))).toMatchObject({ code: "INVALID" });
    expect(await refusal(post("email=a%00b", "application/x-www-form-urlencoded"))).toMatchObject({ code: "INVALID", fieldErrors: { email: [UNHOLDABLE_TEXT] } });
    const handler = routeHandler(async (request) => Response.json(await formBody(request)));
    expect((await handler(post("[1,", "application/json"), undefined)).status).toBe(400);
  });

  test("a well-formed form comes back normalised, the first of a repeated name", async () => {
    expect(await formBody(post("email=Ame%CC%81lie%40x.test&email=other", "application/x-www-form-urlencoded"))).toEqual({ email: "Amélie@x.test" });
  });
});

describe("server-action bodies Next could not decode (lib/http/action-body.ts)", () => {
  const action = (body: BodyInit, type: string) =>
    new Request("https://kilimani.harambee.africa/members/new", { method: "POST", body, headers: { "next-action": "abc", "content-type": type } });

  test("[M6.7] past the limit: 413; multipart cut short or arguments that are not JSON: 400; a well-formed body passes, and stays readable", async () => {
    expect((await actionBodyRefusal(action("x".repeat(ACTION_BODY_LIMIT + 1), "text/plain")))?.status).toBe(413);
    expect((await actionBodyRefusal(action("--xyz\r\nbroken", "multipart/form-data; boundary=abc")))?.status).toBe(400);
    expect((await actionBodyRefusal(action('{"0":', "application/json")))?.status).toBe(400);
    expect((await actionBodyRefusal(action("hello", "text/plain")))?.status).toBe(400);
    const form = new FormData();
    form.set("0", '[null,"$K1"]');
    const fine = new Request("https://kilimani.harambee.africa/members/new", { method: "POST", body: form, headers: { "next-action": "abc" } });
    expect(await actionBodyRefusal(fine)).toBeNull();
    expect((await fine.formData()).get("0")).toBe('[null,"$K1"]');
    expect(await actionBodyRefusal(action('[null,"$K1"]', "text/plain"))).toBeNull();
  });

  test("only posts to pages are checked: a GET, a route handler under /api, or a plain form post to a handler are not", () => {
    expect(isActionPost(action("x", "text/plain"), "/members/new")).toBe(true);
    expect(isActionPost(new Request("https://x/members", { method: "GET" }), "/members")).toBe(false);
    expect(isActionPost(new Request("https://x/api/webhooks/stripe", { method: "POST", headers: { "next-action": "a" } }), "/api/webhooks/stripe")).toBe(false);
    expect(isActionPost(new Request("https://x/login/submit", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }), "/login/submit")).toBe(false);
  });
});
