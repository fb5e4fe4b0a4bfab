// Test keys: fresh random ones per run, in the TEMPORAL_ENCRYPTION_KEYS format and parsed like the product does.
import { randomBytes } from 'node:crypto';
import { type EncryptionKeys, encryptionKeysSchema } from '../../src/codec/encryption-keys';

/** `id:base64` for each id, newest first, with fresh random keys. */
export function keysVariable(...ids: string[]): string {
  return ids.map((id) => `${id}:${randomBytes(32).toString('base64')}`).join(',');
}

export function parseKeys(variable: string): EncryptionKeys {
  return encryptionKeysSchema.parse(variable);
}
