/**
 * `npm run storage:check` — tells whether the configured object store
 * (STORAGE_DIR, or STORAGE_S3_BUCKET…) keeps objects write-once: exit 0 when a
 * second write of a probe key is refused, 1 when it is not. Run it once when
 * pointing a deployment at a new S3-compatible store.
 */
import { objectStore } from "../lib/storage";
import { checkWriteOnce } from "../lib/storage/write-once-check";
import { runCommand } from "./lib/command";

runCommand("storage:check", async () => {
  const store = objectStore();
  const { ok, detail } = await checkWriteOnce(store);
  (ok ? console.log : console.error)(`storage:check: ${store.describe()}: ${ok ? "ok" : "FAILED"}: ${detail}`);
  return ok ? 0 : 1;
});
