import { readFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { decryptField } from "../../lib/crypto/cipher";
import { parseKeyring } from "../../lib/crypto/keyring";

/**
 * A demo club's M-Pesa callback token, read as the e2e server stores it: the
 * club's Daraja credential, decrypted with the run's own field keys (the
 * data dir's secrets.json), so a spec can post callbacks Daraja would.
 */
export async function mpesaCallbackToken(db: pg.Client, slug: string): Promise<string> {
  const { fieldEncryptionKeys, blindIndexKey } = JSON.parse(readFileSync(path.join(process.env.E2E_DATA_DIR!, "secrets.json"), "utf8")) as {
    fieldEncryptionKeys: string;
    blindIndexKey: string;
  };
  const keyring = parseKeyring({ FIELD_ENCRYPTION_KEYS: fieldEncryptionKeys, BLIND_INDEX_KEY: blindIndexKey });
  const { rows } = await db.query<{ id: string; secret: string }>(
    "SELECT c.id, c.secret FROM payment_credential c JOIN organization o ON o.id = c.organization_id WHERE o.slug = $1 AND c.provider = 'MPESA_DARAJA'",
    [slug],
  );
  if (!rows[0]) throw new Error(`${slug} has no M-Pesa credential (prisma/seed.ts sets one)`);
  const secret = decryptField(keyring, rows[0].secret, { model: "PaymentCredential", field: "secret", rowId: rows[0].id });
  return (JSON.parse(secret) as { callbackToken: string }).callbackToken;
}
