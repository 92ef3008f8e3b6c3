import { fileTypeFromBuffer } from "file-type";

/**
 * What an upload is, by its bytes, never its name (promise M6.6). Binary
 * formats are recognised by their magic numbers (`file-type`); plain text has
 * none, so text is what file-type does not recognise, decodes as UTF-8 (a BOM
 * allowed) or Windows-1252 without control characters, and is not markup a
 * browser would render (HTML, SVG, XML).
 */
export type Sniffed =
  | { kind: "binary"; mime: string; ext: string }
  | { kind: "text"; encoding: "utf-8" | "windows-1252"; text: string };

export type SniffVerdict = { ok: true; sniffed: Sniffed } | { ok: false; reason: string };

// Bytes Windows-1252 leaves undefined: text that holds them is not Windows-1252.
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
// C0 controls but tab, LF and CR; and DEL.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const MARKUP = /^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|a\s|div|style)\b/i;

/** Plain text in UTF-8 (BOM stripped) or Windows-1252, or null when the bytes are not text. */
export function decodeText(bytes: Uint8Array): { encoding: "utf-8" | "windows-1252"; text: string } | null {
  let text: string;
  let encoding: "utf-8" | "windows-1252" = "utf-8";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    if (bytes.some((b) => UNDEFINED_1252.has(b))) return null;
    text = new TextDecoder("windows-1252").decode(bytes);
    encoding = "windows-1252";
  }
  return CONTROL.test(text) ? null : { encoding, text };
}

/**
 * The upload's type if the allow-list admits it: `mimes` for recognised
 * formats, `text` for plain text. Anything file-type recognises outside the
 * list (a ZIP renamed .csv, a PNG, a PDF where text is wanted) is refused.
 */
export async function sniffUpload(bytes: Uint8Array, allow: { mimes: readonly string[]; text: boolean }): Promise<SniffVerdict> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    return allow.mimes.includes(found.mime)
      ? { ok: true, sniffed: { kind: "binary", mime: found.mime, ext: found.ext } }
      : { ok: false, reason: `This is a ${found.ext.toUpperCase()} file, which is not accepted here.` };
  }
  if (!allow.text) return { ok: false, reason: "This type of file is not accepted here." };
  const decoded = decodeText(bytes);
  if (!decoded) return { ok: false, reason: "This file is not text in UTF-8 or Windows-1252." };
  if (MARKUP.test(decoded.text)) return { ok: false, reason: "This file is a web page (HTML, SVG or XML), which is not accepted here." };
  return { ok: true, sniffed: { kind: "text", ...decoded } };
}

/**
 * What an attachment may be (M6.6, M6.2): images a browser shows as pictures
 * and PDF, recognised by their magic bytes. No text at all, so HTML and SVG
 * (markup a browser would run) are refused whatever they are called.
 */
export const ATTACHMENT_TYPES = { mimes: ["image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf"], text: false } as const;
