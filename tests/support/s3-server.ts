import { spawn } from "node:child_process";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { freePort } from "../../scripts/lib/ports";
import type { StorageSource } from "../../lib/storage";

/**
 * A real S3-compatible server on 127.0.0.1 for the object-store tests: moto's
 * S3 (the machine's Python has it; Debian packages no S3 server, and the npm
 * fakes ignore If-None-Match on PUT). It runs single-threaded, so its
 * check-then-store of a conditional write is atomic, as S3's is. Data lives in
 * memory and goes with the process.
 */
const SERVER = `
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
`;

export const S3_CREDENTIALS = { accessKeyId: "harambee-test", secretAccessKey: "harambee-test-secret" };

export type S3Server = { endpoint: string; client: S3Client; env: (bucket: string) => StorageSource; createBucket: (name: string) => Promise<void>; stop: () => void };

export async function startS3Server(): Promise<S3Server> {
  const port = await freePort();
  const child = spawn("python3", ["-c", SERVER, String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (data: Buffer) => (stderr = (stderr + data.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null) throw new Error(`the S3 server (python3 with moto) exited ${child.exitCode}: ${stderr}`);
    if (await fetch(endpoint).then((r) => r.ok, () => false)) break;
    if (i > 100) throw new Error(`the S3 server did not answer on ${endpoint} in 20 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true"; // as lib/storage/s3.ts does
  const client = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3_CREDENTIALS });
  return {
    endpoint,
    client,
    env: (bucket) => ({
      STORAGE_S3_BUCKET: bucket,
      STORAGE_S3_ENDPOINT: endpoint,
      STORAGE_S3_REGION: "us-east-1",
      STORAGE_S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      STORAGE_S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    }),
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop: () => {
      client.destroy();
      child.kill();
    },
  };
}
