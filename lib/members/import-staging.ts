import { randomUUID } from "node:crypto";
import { decryptField, encryptField, FieldDecryptionError, type FieldContext } from "../crypto/cipher";
import { env } from "../env";
import { notFoundError } from "../errors";
import { objectStore } from "../storage";

/**
 * An uploaded member CSV between its preview and its commit. It is kept in
 * the object store, not the database: nothing is written to the tenant's
 * tables (or its audit chain) until the person commits, and the commit
 * re-reads and re-checks the very file they previewed. The file is personal
 * data, so it is stored encrypted with the field key (AES-256-GCM, as a field
 * value), its associated data binding the organisation, the uploader and the
 * import's random id: another organisation's or another person's commit
 * cannot open it. It lives an hour; each upload clears the organisation's
 * older ones, and a commit removes its own.
 */
const LIFETIME_MS = 60 * 60 * 1000;
const folderOf = (organizationId: string) => `member-imports/${organizationId}/`;
const keyOf = (organizationId: string, importId: string) => `${folderOf(organizationId)}${importId}.csv.enc`;
const contextOf = (organizationId: string, userId: string, importId: string): FieldContext => ({
  model: "MemberImport",
  field: "csv",
  rowId: `${organizationId}/${userId}/${importId}`,
});

export async function stageImport(organizationId: string, userId: string, text: string, now = Date.now()): Promise<string> {
  const store = objectStore();
  for (const old of await store.list(folderOf(organizationId))) {
    if (now - old.modifiedAt.getTime() > LIFETIME_MS) await store.remove(old.key);
  }
  const importId = randomUUID();
  await store.create(keyOf(organizationId, importId), Buffer.from(encryptField(env().keyring, text, contextOf(organizationId, userId, importId)), "utf8"));
  return importId;
}

/** The staged text, or not-found: unknown, expired, another organisation's or another person's. */
export async function loadImport(organizationId: string, userId: string, importId: string, now = Date.now()): Promise<string> {
  const store = objectStore();
  const key = keyOf(organizationId, importId);
  const [found] = (await store.list(key)).filter((o) => o.key === key);
  if (!found || now - found.modifiedAt.getTime() > LIFETIME_MS) throw notFoundError();
  try {
    return decryptField(env().keyring, (await store.read(key)).toString("utf8"), contextOf(organizationId, userId, importId));
  } catch (error) {
    if (error instanceof FieldDecryptionError) throw notFoundError();
    throw error;
  }
}

export async function dropImport(organizationId: string, importId: string): Promise<void> {
  await objectStore().remove(keyOf(organizationId, importId));
}
