import { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { ObjectExistsError, checkKey, missingObject, type ObjectInfo, type ObjectStore } from "./object-store";

export type S3Settings = {
  bucket: string;
  /** Prepended to every key ("" or ends with "/"), so several deployments can share a bucket. */
  prefix: string;
  /** An S3-compatible server's URL; unset for AWS S3 itself. */
  endpoint?: string;
  region: string;
  /** Unset: the SDK's default chain (AWS_* variables, instance role, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bytes above which an object goes up in parts of this size (S3's minimum part is 5 MiB). */
  partBytes?: number;
};

const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
/** A conditional write racing another on the same key may get 409; S3 asks for a retry, which then sees the winner. */
const CONFLICT_RETRIES = 5;

type Sdk = typeof import("@aws-sdk/client-s3");

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Yields the body in pieces of `size` bytes, the last one shorter; an empty body is one empty piece. */
async function* pieces(body: Buffer | Readable, size: number): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) {
    for (let at = 0; at < body.length || at === 0; at += size) yield body.subarray(at, at + size);
    return;
  }
  let held: Buffer[] = [];
  let heldBytes = 0;
  let yielded = false;
  for await (const chunk of body) {
    let rest = Buffer.from(chunk as Buffer | string);
    while (heldBytes + rest.length >= size) {
      const take = size - heldBytes;
      yield Buffer.concat([...held, rest.subarray(0, take)]);
      yielded = true;
      rest = rest.subarray(take);
      held = [];
      heldBytes = 0;
    }
    if (rest.length) {
      held.push(rest);
      heldBytes += rest.length;
    }
  }
  if (heldBytes || !yielded) yield Buffer.concat(held);
}

/**
 * An object store in an S3-compatible bucket. Write-once is the server's:
 * every write carries `If-None-Match: *` (on PutObject, or on the
 * CompleteMultipartUpload of a large object), so when two writers race for a
 * key the store lets exactly one in and answers the other 412. A store that
 * ignores the header would silently allow replacement; `npm run storage:check`
 * tells. An object larger than one part is uploaded in parts and becomes
 * visible only when complete, so no reader sees half of it.
 */
export function s3ObjectStore(settings: S3Settings): ObjectStore {
  const partBytes = settings.partBytes ?? DEFAULT_PART_BYTES;
  let loaded: Promise<{ sdk: Sdk; client: S3Client }> | undefined;
  // The SDK loads on first use, so a deployment on a local directory never pays for it.
  const connect = () => {
    // Its notice about Node versions of future releases is plain text on stderr among JSON log lines;
    // the pinned release supports this Node (package.json "engines").
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    return (loaded ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: settings.region,
        endpoint: settings.endpoint,
        forcePathStyle: Boolean(settings.endpoint),
        credentials: settings.credentials,
      }),
    })));
  };
  const Bucket = settings.bucket;
  const fullKey = (key: string) => settings.prefix + checkKey(key);

  async function conditionally<T>(key: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const status = statusOf(error);
        if (status === 412) throw new ObjectExistsError(key);
        if (status !== 409 || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  }

  async function getBody(key: string): Promise<Readable> {
    const { sdk, client } = await connect();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket, Key: fullKey(key) }));
      return out.Body as Readable;
    } catch (error) {
      if (statusOf(error) === 404) throw missingObject(key);
      throw error;
    }
  }

  return {
    describe: () => `s3://${Bucket}${settings.prefix ? `/${settings.prefix.slice(0, -1)}` : ""}`,

    async create(key, body) {
      const Key = fullKey(key);
      const { sdk, client } = await connect();
      const parts = pieces(body, partBytes);
      const first = (await parts.next()).value as Buffer;
      const second = await parts.next();
      if (second.done) {
        await conditionally(key, () => client.send(new sdk.PutObjectCommand({ Bucket, Key, Body: first, IfNoneMatch: "*" })));
        return { bytes: first.length };
      }

      const { UploadId } = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key }));
      try {
        const uploaded: { ETag: string; PartNumber: number }[] = [];
        let bytes = 0;
        const upload = async (part: Buffer) => {
          const PartNumber = uploaded.length + 1;
          const { ETag } = await client.send(new sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: part }));
          uploaded.push({ ETag: ETag!, PartNumber });
          bytes += part.length;
        };
        await upload(first);
        await upload(second.value);
        for await (const part of parts) await upload(part);
        await conditionally(key, () =>
          client.send(new sdk.CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: uploaded }, IfNoneMatch: "*" })),
        );
        return { bytes };
      } catch (error) {
        await client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
        throw error;
      }
    },

    async read(key) {
      const body = await getBody(key);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },

    readStream: (key) =>
      Readable.from(
        (async function* () {
          yield* await getBody(key);
        })(),
      ),

    async list(prefix) {
      const { sdk, client } = await connect();
      const found: ObjectInfo[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: settings.prefix + prefix, ContinuationToken }));
        for (const object of page.Contents ?? []) {
          found.push({ key: object.Key!.slice(settings.prefix.length), bytes: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) });
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async folders(prefix) {
      const { sdk, client } = await connect();
      const names: string[] = [];
      const Prefix = settings.prefix + prefix;
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix, Delimiter: "/", ContinuationToken }));
        for (const common of page.CommonPrefixes ?? []) names.push(common.Prefix!.slice(Prefix.length, -1));
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return names.sort();
    },

    async remove(key) {
      const { sdk, client } = await connect();
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: fullKey(key) }));
    },
  };
}
