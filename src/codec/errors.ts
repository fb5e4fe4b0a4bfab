// What the payload codec throws. Stable names; messages name the key id, never a key. In a worker, a payload that cannot
// be decrypted fails the workflow or activity task, which Temporal retries: nothing runs on data it could not read.

/** The payload names a key id that TEMPORAL_ENCRYPTION_KEYS does not list (dropped too early, or another deployment's). */
export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';

  constructor(
    readonly keyId: string,
    knownKeyIds: readonly string[],
  ) {
    super(
      `Payload was encrypted with key '${keyId}', which TEMPORAL_ENCRYPTION_KEYS does not list ` +
        `(it lists ${knownKeyIds.map((id) => `'${id}'`).join(', ')}): add that key back to read this payload`,
    );
  }
}

/** An encrypted payload that is malformed or fails AES-GCM authentication (altered, or another key under that id). */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';

  constructor(
    readonly keyId: string | null,
    detail: string,
  ) {
    super(`Encrypted payload${keyId === null ? '' : ` (key '${keyId}')`} cannot be decrypted: ${detail}`);
  }
}

/**
 * A plaintext payload reached a process with TEMPORAL_ENCRYPTION_REQUIRED=true: something without the keys (a replica,
 * a client, the CLI) wrote it, or it predates encryption. The task that read it fails and Temporal retries it, so
 * nothing runs on, or writes more, unencrypted data.
 */
export class PlaintextPayloadError extends Error {
  override readonly name = 'PlaintextPayloadError';

  constructor(readonly encoding: string | null) {
    super(
      `Refused a plaintext payload (encoding ${encoding === null ? 'none' : `'${encoding}'`}): ` +
        'TEMPORAL_ENCRYPTION_REQUIRED is true, so every payload must be encrypted. It was written by a client or ' +
        'worker without TEMPORAL_ENCRYPTION_KEYS, or before encryption was turned on: give that process the keys, ' +
        'or set TEMPORAL_ENCRYPTION_REQUIRED=false to read it',
    );
  }
}
