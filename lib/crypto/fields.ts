import type { IndexKind } from "./normalize";

/** One encrypted field; `index` adds a blind index of that kind in the field `<field>Index`. */
export type EncryptedField = { readonly index?: IndexKind };

/**
 * THE declaration of encrypted fields, by Prisma model. The client extension in
 * lib/db/field-encryption.ts encrypts these on every write and decrypts them on
 * every read (nested reads included), audit redaction treats them as personal,
 * and `npm run keys:rotate` re-encrypts them.
 *
 * Adding a field takes one line here plus, in schema.prisma and its migration:
 * a nullable `String` column (and `<field>Index String?` when indexed) and a
 * CHECK that the column holds only ciphertext, e.g.
 *   CHECK ("totp_secret" ~ '^v1\.[A-Za-z0-9-]{1,32}\.[A-Za-z0-9_-]{38,}$')
 * (tests/field-encryption.integration.test.ts proves every declared column has one).
 * The model needs a string `id` primary key: it is part of the associated data.
 * An indexed field's model needs `organizationId` too: its index is keyed per
 * organisation (lib/crypto/blind-index.ts), and its column a CHECK
 * `'^v2\.[A-Za-z0-9_-]{43}$'` (a new column holds no index of the older, global form).
 */
export const ENCRYPTED_FIELDS = {
  Member: {
    nin: { index: "nin" },
    bvn: { index: "bvn" },
    phone: { index: "phone" },
    email: { index: "email" },
    dateOfBirth: {},
    address: {},
  },
  Donor: { name: {}, email: { index: "email" }, phone: { index: "phone" }, address: {} },
  Payment: { mpesaReceipt: { index: "mpesa-receipt" }, payerPhone: { index: "phone" }, rawPayload: {} },
  Beneficiary: { nin: { index: "nin" }, bvn: { index: "bvn" }, phone: { index: "phone" }, dateOfBirth: {} },
  BeneficiaryBatchRow: { data: {} },
  WelfareCase: { notes: {} },
  WelfareDisbursement: { phone: {} },
  PaymentCredential: { secret: {} },
  User: { totpSecret: {} },
} as const satisfies Record<string, Record<string, EncryptedField>>;

export type EncryptedModel = keyof typeof ENCRYPTED_FIELDS;

export const indexFieldName = (field: string) => `${field}Index`;

export function encryptedFieldsOf(model: string): Readonly<Record<string, EncryptedField>> | undefined {
  return (ENCRYPTED_FIELDS as Record<string, Record<string, EncryptedField>>)[model];
}

/** Encrypted fields and their blind-index fields: never to be shown or audited verbatim. */
export function protectedFieldNames(model: string): string[] {
  const fields = encryptedFieldsOf(model) ?? {};
  return Object.entries(fields).flatMap(([field, spec]) => (spec.index ? [field, indexFieldName(field)] : [field]));
}
