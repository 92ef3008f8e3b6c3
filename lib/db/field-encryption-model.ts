import { encryptedFieldsOf, type EncryptedField } from "../crypto/fields";

/**
 * What the field-encryption extension needs to know about the schema: each
 * model's relations (to follow nested selections and writes) and which models
 * can reach an encrypted one (all others pass through untouched).
 */
export type RuntimeDataModel = {
  models: Record<string, { fields: readonly { name: string; kind: string; type: string }[] }>;
};

export type Fields = Readonly<Record<string, EncryptedField>>;

export class FieldEncryptionUsageError extends Error {
  override name = "FieldEncryptionUsageError";
}

export type SchemaMap = {
  /** relation field → related model, per model */
  relations: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** models that are encrypted or have a relation path to one */
  reaching: ReadonlySet<string>;
  fieldsOf: (model: string) => Fields;
};

export function schemaMap(dataModel: RuntimeDataModel): SchemaMap {
  const relations = new Map<string, Record<string, string>>();
  for (const [model, { fields }] of Object.entries(dataModel.models)) {
    relations.set(model, Object.fromEntries(fields.filter((f) => f.kind === "object").map((f) => [f.name, f.type])));
  }
  const reaching = new Set(Object.keys(dataModel.models).filter((m) => encryptedFieldsOf(m)));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [model, related] of relations) {
      if (!reaching.has(model) && Object.values(related).some((t) => reaching.has(t))) {
        reaching.add(model);
        grew = true;
      }
    }
  }
  return { relations, reaching, fieldsOf: (model) => encryptedFieldsOf(model) ?? {} };
}

/** Prisma's runtime data model, read from a client (fails closed when a Prisma upgrade moves it). */
export function runtimeDataModelOf(client: unknown): RuntimeDataModel {
  const dataModel = (client as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  if (!dataModel?.models) throw new Error("field encryption: the Prisma client exposes no runtime data model");
  return dataModel;
}
