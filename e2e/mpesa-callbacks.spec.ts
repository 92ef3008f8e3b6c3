import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { PORT, rawRequest } from "./support/app";
import { connectOwner } from "./support/database";
import { auditCount } from "./support/ground-truth";
import { mpesaCallbackToken } from "./support/mpesa";

/**
 * Daraja's callback route on the production build, over plain HTTP as
 * Daraja sends it (no Origin, no cookie). The paying journeys, through the
 * Daraja stand-in, are the member's specs; the outcomes of every kind of
 * callback are tests/mpesa-payments.integration.test.ts.
 */
const kilimani = `kilimani.localhost:${PORT}`;
const NOT_FOUND = JSON.stringify({ error: "Not found" });

const callback = (checkoutRequestId: string) =>
  JSON.stringify({ Body: { stkCallback: { MerchantRequestID: "29115-34620561-1", CheckoutRequestID: checkoutRequestId, ResultCode: 1032, ResultDesc: "Request cancelled by user" } } });
const postCallback = (host: string, token: string, body: string) =>
  rawRequest({ host, path: `/api/webhooks/mpesa/${token}`, method: "POST", headers: { "content-type": "application/json" }, body });

test("[P3] a wrong M-Pesa token, another club's token, an unknown club or the apex: the one 404, and nothing is written", async () => {
  const db = await connectOwner();
  try {
    const westlandsToken = await mpesaCallbackToken(db, "westlands");
    const before = await auditCount(db);
    const body = callback(`ws_CO_${randomBytes(6).toString("hex")}`);
    const answers = [
      await postCallback(kilimani, randomBytes(32).toString("base64url"), body),
      await postCallback(kilimani, westlandsToken, body),
      await postCallback(`no-such-club.localhost:${PORT}`, westlandsToken, body),
      await postCallback(`localhost:${PORT}`, westlandsToken, body),
    ];
    expect(answers.map((a) => [a.status, a.body])).toEqual(Array(4).fill([404, NOT_FOUND]));
    expect(await auditCount(db)).toBe(before);
  } finally {
    await db.end();
  }
});

test("[P3] with the club's token and no Origin (webhooks are exempt from the same-origin check): malformed → 400, unknown CheckoutRequestID → 200 and nothing written", async () => {
  const db = await connectOwner();
  try {
    const token = await mpesaCallbackToken(db, "kilimani");
    const before = await auditCount(db);
    expect((await postCallback(kilimani, token, "{not json")).status).toBe(400);
    expect((await postCallback(kilimani, token, JSON.stringify({ Body: { stkCallback: { CheckoutRequestID: "ws_CO_1" } } }))).status).toBe(400);
    const unknown = await postCallback(kilimani, token, callback(`ws_CO_${randomBytes(6).toString("hex")}`));
    expect([unknown.status, JSON.parse(unknown.body)]).toEqual([200, { ResultCode: 0, ResultDesc: "Accepted" }]);
    expect(await auditCount(db)).toBe(before);
    // Only POST is a callback.
    expect((await rawRequest({ host: kilimani, path: `/api/webhooks/mpesa/${token}` })).status).toBe(405);
  } finally {
    await db.end();
  }
});
