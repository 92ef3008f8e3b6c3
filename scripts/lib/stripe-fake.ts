import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A fake of the few Stripe API calls we make, for tests and the offline demo
 * (api.stripe.com is out of reach there): creating and reading a Checkout
 * Session, plus a test checkout page to pay it on. As in Stripe, the
 * PaymentIntent only exists once the session is paid, and a reused
 * idempotency key answers with the first response. It sends no webhooks
 * itself: `completeWith` is where the caller delivers them.
 */

export type FakeCheckoutSession = {
  id: string;
  object: "checkout.session";
  mode: "payment";
  status: "open" | "complete";
  payment_status: "unpaid" | "paid";
  url: string;
  success_url: string;
  cancel_url: string;
  amount_total: number;
  currency: string;
  customer_email: string | null;
  metadata: Record<string, string>;
  payment_intent: string | null;
  created: number;
  livemode: false;
};

export type FakePaymentIntent = {
  id: string;
  object: "payment_intent";
  status: "succeeded";
  amount: number;
  amount_received: number;
  currency: string;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
};

/** One session as the fake holds it: what it answers, and what the create request asked for. */
export type FakeCheckout = {
  session: FakeCheckoutSession;
  paymentIntentData: { metadata: Record<string, string> };
  idempotencyKey: string | null;
  paymentIntent: FakePaymentIntent | null;
};

export type StripeFake = { url: string; stop: () => Promise<void>; sessions: () => FakeCheckout[] };

export type StripeFakeOptions = {
  port?: number;
  /** Runs when the test checkout is paid, before the redirect: the offline demo delivers its signed events here. */
  completeWith?: (session: FakeCheckoutSession, paymentIntent: FakePaymentIntent) => Promise<void>;
};

const metadata = z.record(z.string(), z.string()).default({});
const createParams = z.object({
  mode: z.literal("payment"),
  success_url: z.string().min(1),
  cancel_url: z.string().min(1),
  customer_email: z.string().optional(),
  metadata,
  payment_intent_data: z.object({ metadata }).default({ metadata: {} }),
  line_items: z
    .record(
      z.string(),
      z.object({
        quantity: z.coerce.number().int().positive(),
        price_data: z.object({ currency: z.string().length(3), unit_amount: z.coerce.number().int().nonnegative() }),
      }),
    )
    .transform((items) => Object.values(items))
    .refine((items) => items.length > 0, "line_items needs at least one item"),
});

export async function startStripeFake({ port = 0, completeWith }: StripeFakeOptions = {}): Promise<StripeFake> {
  const checkouts = new Map<string, FakeCheckout>();
  const byIdempotencyKey = new Map<string, { body: string; response: string }>();
  let url = "";

  async function createSession(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const key = header(request, "idempotency-key");
    const earlier = key ? byIdempotencyKey.get(key) : undefined;
    if (earlier) {
      if (earlier.body !== body) return stripeError(response, 400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
      return json(response, 200, JSON.parse(earlier.response));
    }
    const params = createParams.safeParse(decodeForm(body));
    if (!params.success) return stripeError(response, 400, "invalid_request_error", z.prettifyError(params.error));
    const items = params.data.line_items;
    const id = `cs_test_${randomBytes(12).toString("hex")}`;
    const session: FakeCheckoutSession = {
      id,
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      url: `${url}/pay/${id}`,
      success_url: params.data.success_url,
      cancel_url: params.data.cancel_url,
      amount_total: items.reduce((sum, item) => sum + item.quantity * item.price_data.unit_amount, 0),
      currency: items[0].price_data.currency.toLowerCase(),
      customer_email: params.data.customer_email ?? null,
      metadata: params.data.metadata,
      payment_intent: null,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    checkouts.set(id, { session, paymentIntentData: params.data.payment_intent_data, idempotencyKey: key, paymentIntent: null });
    // A reused key answers with this first response, as it was, even after the session is paid.
    if (key) byIdempotencyKey.set(key, { body, response: JSON.stringify(session) });
    json(response, 200, session);
  }

  /** Paying creates the PaymentIntent, as Stripe does on confirmation; paying twice changes nothing. */
  async function pay(checkout: FakeCheckout, response: ServerResponse) {
    const { session } = checkout;
    if (!checkout.paymentIntent) {
      const paymentIntent: FakePaymentIntent = {
        id: `pi_${randomBytes(12).toString("hex")}`,
        object: "payment_intent",
        status: "succeeded",
        amount: session.amount_total,
        amount_received: session.amount_total,
        currency: session.currency,
        metadata: checkout.paymentIntentData.metadata,
        created: Math.floor(Date.now() / 1000),
        livemode: false,
      };
      checkout.paymentIntent = paymentIntent;
      session.status = "complete";
      session.payment_status = "paid";
      session.payment_intent = paymentIntent.id;
      await completeWith?.(session, paymentIntent);
    }
    response.writeHead(303, { location: session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id) }).end();
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const { pathname } = new URL(request.url ?? "/", "http://fake");
    const api = /^\/v1\/checkout\/sessions(?:\/([\w-]+))?$/.exec(pathname);
    const page = /^\/pay\/([\w-]+)$/.exec(pathname);
    if (api && !/^Bearer \S+$/.test(header(request, "authorization") ?? "")) {
      return stripeError(response, 401, "invalid_request_error", "You did not provide an API key.");
    }
    if (api && !api[1] && request.method === "POST") return createSession(request, response);
    const checkout = checkouts.get(api?.[1] ?? page?.[1] ?? "");
    if (api && checkout && request.method === "GET") return json(response, 200, checkout.session);
    if (page && checkout && request.method === "GET") return html(response, checkoutPage(checkout.session));
    if (page && checkout && request.method === "POST") return pay(checkout, response);
    stripeError(response, 404, "invalid_request_error", `No such route or session: ${request.method} ${pathname}`);
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => stripeError(response, 500, "api_error", error instanceof Error ? error.message : String(error)));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sessions: () => [...checkouts.values()],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // the Stripe client keeps its connections alive
      }),
  };
}

/** Stripe's form encoding (`line_items[0][price_data][currency]=kes`) as nested objects; list indexes stay keys. */
function decodeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const path = name.replace(/\]/g, "").split("[");
    const last = path.pop()!;
    let node = root;
    for (const part of path) node = (node[part] ??= Object.create(null)) as Record<string, unknown>;
    node[last] = value;
  }
  return root;
}

function checkoutPage(session: FakeCheckoutSession): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const format = new Intl.NumberFormat("en", { style: "currency", currency: session.currency.toUpperCase() });
  const amount = format.format(session.amount_total / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test checkout</title></head>
<body><main>
<h1>Test checkout</h1>
<p>Pay <strong data-testid="amount">${escape(amount)}</strong> (a fake of Stripe: no money moves).</p>
<form method="post" action="/pay/${escape(session.id)}"><button type="submit">Pay</button></form>
<p><a href="${escape(session.cancel_url)}">Cancel</a></p>
</main></body></html>
`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : (value ?? null);
};

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(8).toString("hex")}` }).end(JSON.stringify(body));
}

const stripeError = (response: ServerResponse, status: number, type: string, message: string) => json(response, status, { error: { type, message } });

function html(response: ServerResponse, body: string) {
  response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
}
