// AES-256-GCM payload encryption, after the format of samples-typescript's encryption sample: the whole serialized
// Payload, metadata included, is encrypted, and the result says only `encoding: binary/encrypted`, which key encrypted
// it and, since version 2, the format version. Version 2 binds the key id into GCM's authenticated data, so a payload's
// `encryption-key-id` cannot be changed without failing authentication; version 1 (no `encryption-format` metadata,
// the sample's format, written until then) has no authenticated data and still decodes.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { type EncryptionKey, type EncryptionKeys } from './encryption-keys';
import { PayloadDecryptionError, PlaintextPayloadError, UnknownEncryptionKeyError } from './errors';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const FORMAT_METADATA = 'encryption-format';
/** What `encode` writes. */
export const FORMAT_VERSION = '2';

// GCM's standard 96-bit nonce, random per payload: safe for far more payloads than a key will ever see (2^32).
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export interface EncryptionCodecOptions {
  /**
   * TEMPORAL_ENCRYPTION_REQUIRED: `decode` refuses a plaintext payload with PlaintextPayloadError instead of passing it
   * through, so a replica started without keys is noticed at once rather than writing plaintext unseen.
   */
  requireEncryption?: boolean;
}

/**
 * Encrypts with the newest key, decrypts with any known key. Payloads that are already encrypted pass through
 * `encode`, and plain payloads pass through `decode` (unless encryption is required), so that histories written
 * before encryption was turned on still replay.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly newest: EncryptionKey;
  private readonly byId: ReadonlyMap<string, EncryptionKey>;
  private readonly requireEncryption: boolean;

  constructor(keys: EncryptionKeys, options: EncryptionCodecOptions = {}) {
    this.newest = keys[0];
    this.byId = new Map(keys.map((key) => [key.id, key]));
    this.requireEncryption = options.requireEncryption ?? false;
  }

  /** The key that encrypts: the first of TEMPORAL_ENCRYPTION_KEYS. */
  get encryptingKeyId(): string {
    return this.newest.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? payload : this.encrypt(payload)));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (isEncrypted(payload)) return this.decrypt(payload);
      if (this.requireEncryption) throw new PlaintextPayloadError(encodingOf(payload));
      return payload;
    });
  }

  private encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.newest.key, iv);
    cipher.setAAD(authenticatedData(this.newest.id));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8.encode(this.newest.id),
        [FORMAT_METADATA]: utf8.encode(FORMAT_VERSION),
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
    const formatBytes = payload.metadata?.[FORMAT_METADATA];
    const format = formatBytes ? fromUtf8.decode(formatBytes) : '1';
    if (format !== '1' && format !== FORMAT_VERSION) {
      throw new PayloadDecryptionError(
        keyId,
        `its '${FORMAT_METADATA}' is ${JSON.stringify(format)}, not 1 or 2`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
    // Version 1 has no authenticated data. Dropping the format metadata to pass a version 2 payload off as version 1
    // fails authentication all the same: its tag covers the key id.
    if (format === FORMAT_VERSION) decipher.setAAD(authenticatedData(keyId));
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
        'authentication failed: the payload or its key id was altered, or that key id names a different key here',
      );
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

/** Version 2's authenticated data: the format and the key id, so neither can be swapped. */
function authenticatedData(keyId: string): Uint8Array {
  return utf8.encode(`flinks-refresh/aes-256-gcm/v${FORMAT_VERSION}/key-id:${keyId}`);
}

/** For error messages: the payload's encoding, never its data. */
function encodingOf(payload: Payload): string | null {
  const encoding = payload.metadata?.encoding;
  return encoding ? fromUtf8.decode(encoding) : null;
}

/** True for a payload this codec (or one of its format) encrypted. */
export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.encoding;
  return encoding !== undefined && encoding !== null && fromUtf8.decode(encoding) === ENCRYPTED_ENCODING;
}
