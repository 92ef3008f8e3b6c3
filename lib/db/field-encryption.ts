import type { Keyring } from "../crypto/keyring";
import { applyRead, planRead } from "./encrypted-reads";
import { sealWriteArgs } from "./encrypted-writes";
import { runtimeDataModelOf, schemaMap } from "./field-encryption-model";
import { Prisma } from "./generated/client";

export { FieldEncryptionUsageError } from "./field-encryption-model";

/**
 * The Prisma client extension that applies ENCRYPTED_FIELDS
 * (lib/crypto/fields.ts): services read and write plaintext; Postgres only
 * ever receives ciphertext and blind indexes. Every operation on every model
 * passes through it, because any model can select or include an encrypted one.
 */
const RETURNS_RECORDS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "create",
  "createManyAndReturn",
  "update",
  "updateManyAndReturn",
  "upsert",
  "delete",
]);

export function fieldEncryption(keyring: Keyring) {
  return Prisma.defineExtension((client) => {
    const schema = schemaMap(runtimeDataModelOf(client));
    return client.$extends({
      name: "field-encryption",
      query: {
        $allModels: {
          async $allOperations({ model, operation, args, query }) {
            if (!schema.reaching.has(model)) return query(args);
            const sealed = sealWriteArgs(keyring, schema, model, operation, (args ?? {}) as Record<string, unknown>);
            if (!RETURNS_RECORDS.has(operation)) return query(sealed as typeof args);
            const [planned, plan] = planRead(schema, model, sealed);
            const result = await query(planned as typeof args);
            if (plan) applyRead(keyring, model, plan, result);
            return result;
          },
        },
      },
    });
  });
}
