// AES-256-GCM payload encryption, the format of samples-typescript's encryption sample (so any codec server for that
// format reads our histories): the whole serialized Payload, metadata included, is encrypted, and the result says only
// `encoding: binary/encrypted` and which key encrypted it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type EncryptionKey, type EncryptionKeys } from './encryption-keys';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './errors';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

// GCM's standard 96-bit nonce, random per payload: safe for far more payloads than a key will ever see (2^32).
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encrypts with the newest key, decrypts with any known key. Payloads that are already encrypted pass through
 * `encode`, and plain payloads pass through `decode`, so that histories written before encryption was turned on
 * still replay.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly newest: EncryptionKey;
  private readonly byId: ReadonlyMap<string, EncryptionKey>;

  constructor(keys: EncryptionKeys) {
    this.newest = keys[0];
    this.byId = new Map(keys.map((key) => [key.id, key]));
  }

  /** The key that encrypts: the first of TEMPORAL_ENCRYPTION_KEYS. */
  get encryptingKeyId(): string {
    return this.newest.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? payload : this.encrypt(payload)));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.newest.key, iv);
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8.encode(this.newest.id),
      },
      data: sealed,
    };
  }

  private decrypt(payload: Payload): Payload {
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (!idBytes) throw new PayloadDecryptionError(null, `its metadata has no '${KEY_ID_METADATA}'`);
    const keyId = fromUtf8.decode(idBytes);
    const key = this.byId.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId, [...this.byId.keys()]);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(keyId, `${data.length} bytes is too short for AES-GCM (iv and tag)`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        keyId,
        'authentication failed: the payload was altered, or that key id names a different key here',
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

/** True for a payload this codec (or one of its format) encrypted. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
}
