// TEMPORAL_ENCRYPTION_KEYS: the AES-256 keys of payload encryption, newest first, as `<key-id>:<base64 key>` entries
// separated by commas, e.g. `key-2026-11:3q2+7w…=,key-2025-01:q83v…=` (a key: `openssl rand -base64 32`).
// The first key encrypts every new payload; every listed key decrypts. To rotate, put a new key first and keep the
// old ones for as long as histories (and schedules) encrypted with them are retained.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** AES-256. */
export const KEY_BYTES = 32;

export interface EncryptionKey {
  /** Stored in every payload it encrypts (metadata `encryption-key-id`): it must never be reused for another key. */
  readonly id: string;
  /** A KeyObject, so that logging or inspecting a key never shows its bytes. */
  readonly key: KeyObject;
}

/** Newest first: the first key encrypts. */
export type EncryptionKeys = readonly [EncryptionKey, ...EncryptionKey[]];

// Ids travel in payload metadata and in error messages: plain, short, and never mistakable for key material.
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses the variable's value. Issue messages name entries by position or key id, never quote a key, and never quote
 * an entry's text (a missing colon would make the whole entry a key).
 */
export const encryptionKeysSchema = z.string().transform((text, ctx): EncryptionKeys => {
  const problem = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  const keys: EncryptionKey[] = [];
  const entries = text.split(',').map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const position = `entry ${index + 1} of ${entries.length}`;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problem(`${position} must be <key-id>:<base64 key>, e.g. key-2026-11:$(openssl rand -base64 32)`);
      return;
    }
    const id = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      problem(`${position} has an invalid key id: use 1 to 64 letters, digits, '.', '_' or '-'`);
      return;
    }
    if (keys.some((key) => key.id === id)) {
      problem(`key id '${id}' is listed twice: an id must name one key`);
      return;
    }
    const bytes = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : null;
    if (bytes === null) {
      problem(`key '${id}' is not base64`);
    } else if (bytes.length !== KEY_BYTES) {
      problem(
        `key '${id}' is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES} (make one with: openssl rand -base64 32)`,
      );
    } else {
      keys.push({ id, key: createSecretKey(bytes) });
    }
    // createSecretKey copied the bytes: leave no plain copy behind in this buffer.
    bytes?.fill(0);
  });
  const [newest, ...older] = keys;
  if (newest === undefined || keys.length !== entries.length) return z.NEVER;
  return [newest, ...older];
});
