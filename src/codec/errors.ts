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
