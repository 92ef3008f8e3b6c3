import { readFileSync } from "node:fs";
import path from "node:path";
import { rawRequest, type RawResponse } from "./app";

/**
 * Server actions over plain HTTP, exactly as the browser posts them: the
 * action's id in `next-action`, the arguments encoded as React encodes them
 * (`0` = the argument list, `_1_<field>` = the FormData's fields).
 */
type ActionEntry = { filename?: string; exportedName?: string; workers: Record<string, unknown> };

export function builtActions(): Record<string, ActionEntry> {
  const manifest = path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { node: Record<string, ActionEntry> }).node;
}

export function actionId(file: string, name: string): string {
  const found = Object.entries(builtActions()).find(([, entry]) => entry.filename === file && entry.exportedName === name);
  if (!found) throw new Error(`server action ${file}#${name} is not in the build`);
  return found[0];
}

/** Every action takes (previousState, formData) (lib/actions/form-state.ts): the fields are the form's. */
export type ActionCall = { fields: Record<string, string> };

export function postAction(options: { host: string; path: string; cookie?: string; id: string; call: { fields: Record<string, string | Buffer> } }): Promise<RawResponse> {
  const boundary = `----harambee${Math.random().toString(16).slice(2)}`;
  // Bytes, so a field may carry exactly what a hand-made request could (e2e/fuzz.spec.ts), not only what a string encodes to.
  const part = (name: string, value: string | Buffer) =>
    Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.from(value), Buffer.from("\r\n")]);
  const body = Buffer.concat([
    ...Object.entries(options.call.fields).map(([name, value]) => part(`_1_${name}`, value)),
    part("0", '[null,"$K1"]'),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return rawRequest({
    host: options.host,
    path: options.path,
    method: "POST",
    headers: {
      "next-action": options.id,
      accept: "text/x-component",
      "content-type": `multipart/form-data; boundary=${boundary}`,
      origin: `http://${options.host}`,
      "sec-fetch-site": "same-origin",
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body,
  });
}
