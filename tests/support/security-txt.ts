/**
 * A strict reading of RFC 9116 §2.5/§3: `Field-Name: value` lines, comments
 * starting with #, field names case-insensitive, and the checks a researcher's
 * tool makes. Returns the problems found; none means the file is valid.
 */
export type SecurityTxt = { fields: Map<string, string[]>; problems: string[] };

const URI_FIELDS = ["contact", "policy", "acknowledgments", "canonical", "encryption", "hiring"];

export function parseSecurityTxt(text: string, now: Date): SecurityTxt {
  const fields = new Map<string, string[]>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line === "" || line.startsWith("#")) return;
    const colon = line.indexOf(": ");
    if (colon <= 0 || !/^[A-Za-z0-9-]+$/.test(line.slice(0, colon))) {
      problems.push(`line ${index + 1} is not "Field-Name: value"`);
      return;
    }
    const name = line.slice(0, colon).toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), line.slice(colon + 2).trim()]);
  });
  const contacts = fields.get("contact") ?? [];
  if (contacts.length === 0) problems.push("Contact is required");
  const expires = fields.get("expires") ?? [];
  if (expires.length !== 1) problems.push("Expires must appear exactly once");
  else {
    const at = new Date(expires[0]);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(expires[0]) || Number.isNaN(at.getTime())) {
      problems.push("Expires is not an RFC 3339 date-time");
    } else if (at.getTime() <= now.getTime()) problems.push("Expires is in the past");
  }
  for (const name of ["preferred-languages", "policy", "canonical"]) {
    if ((fields.get(name)?.length ?? 0) > 1) problems.push(`${name} must not repeat`);
  }
  for (const name of URI_FIELDS) {
    for (const value of fields.get(name) ?? []) {
      const ok = name === "contact" ? /^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+|tel:\+?[\d-]+)$/.test(value) : /^https:\/\/\S+$/.test(value);
      if (!ok) problems.push(`${name} "${value}" is not an https URI${name === "contact" ? ", mailto: or tel:" : ""}`);
    }
  }
  for (const tag of (fields.get("preferred-languages")?.[0] ?? "").split(",").filter(Boolean)) {
    if (!/^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$/.test(tag.trim())) problems.push(`"${tag.trim()}" is not a language tag`);
  }
  return { fields, problems };
}
