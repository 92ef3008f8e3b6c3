import { readFileSync } from "node:fs";
import { Decrypter, Encrypter } from "age-encryption";

/**
 * age (age-encryption.org/v1) over streams: a dump is encrypted as pg_dump
 * writes it and decrypted as pg_restore reads it, never whole in memory.
 * Encryption needs only the recipient (the public key, `age1…`); the identity
 * (the private key) stays off the host that takes backups.
 */
const RECIPIENT = /^age1[0-9a-z]+$/;

export function checkRecipient(recipient: string | undefined): string {
  const value = recipient?.trim();
  if (!value || !RECIPIENT.test(value)) {
    throw new Error("BACKUP_AGE_RECIPIENT must be an age public key (age1…): generate the key pair offline with age-keygen and put only the public key here");
  }
  return value;
}

/**
 * The private key must never sit beside the dumps it opens: a backup host that
 * can read AGE_IDENTITY refuses to run, so a thief of the host and its backups
 * gets ciphertext only.
 */
export function refuseIdentityOnBackupHost(source: NodeJS.ProcessEnv): void {
  if (source.AGE_IDENTITY) {
    throw new Error(
      "AGE_IDENTITY is set on this host: the backup's private key must not be where the backups are made. " +
        "Unset it here; restores and drills run where the key is (see docs/BACKUPS.md).",
    );
  }
}

/** AGE_IDENTITY: the key itself (AGE-SECRET-KEY-1…) or the path of an identity file as age-keygen writes it. */
export function readIdentities(value: string | undefined): string[] {
  if (!value) throw new Error("AGE_IDENTITY is not set: give the backup's private key (AGE-SECRET-KEY-1…) or the path of its identity file");
  const text = value.trim().startsWith("AGE-SECRET-KEY-") ? value : readFileSync(value, "utf8");
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("AGE-SECRET-KEY-"));
  if (keys.length === 0) throw new Error("AGE_IDENTITY holds no age identity (a line AGE-SECRET-KEY-1…)");
  return keys;
}

/** An async iterable as a web stream; an error thrown by the source errors the stream. */
export function toWebStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

export async function* fromWebStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Abandoned early (the consumer failed): cancel, so the source stops too.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

export async function encryptStream(recipient: string, plain: AsyncIterable<Uint8Array>): Promise<AsyncGenerator<Uint8Array>> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(checkRecipient(recipient));
  return fromWebStream(await encrypter.encrypt(toWebStream(plain)));
}

/**
 * Reads the header and unwraps the file key before it resolves, so a wrong
 * identity fails here, before anything is written anywhere. The body is
 * authenticated chunk by chunk and a truncated file fails at its end.
 */
export async function decryptStream(identities: string[], encrypted: AsyncIterable<Uint8Array>): Promise<AsyncGenerator<Uint8Array>> {
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  return fromWebStream(await decrypter.decrypt(toWebStream(encrypted)));
}
