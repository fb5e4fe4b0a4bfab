// The ONE data converter of the product: the client (connectClient), the workers (createWorkers, including the client
// the routine's activities signal cards with) and the tests all take it from here, so that whatever one writes to
// history the others can read.
import { type DataConverter } from '@temporalio/common';
import { loadConfig, type TemporalConfig } from '../config';
import { EncryptionCodec } from './encryption-codec';

/**
 * With TEMPORAL_ENCRYPTION_KEYS set: every payload encrypted (AES-256-GCM, newest key), failure messages and stack
 * traces moved into an encrypted payload; with TEMPORAL_ENCRYPTION_REQUIRED too, a plaintext payload is refused.
 * Unset: the SDK's defaults, plain JSON.
 *
 * A plain object (payload codecs and a converter path), as Worker.create requires: codecs run outside the workflow
 * sandbox, and the failure converter is loaded by path, inside the sandbox too when the worker bundles the workflows.
 */
export function dataConverter(
  temporal: Pick<TemporalConfig, 'encryptionKeys'> & Partial<Pick<TemporalConfig, 'encryptionRequired'>>,
): DataConverter {
  if (temporal.encryptionKeys === undefined) return {};
  return {
    payloadCodecs: [
      new EncryptionCodec(temporal.encryptionKeys, { requireEncryption: temporal.encryptionRequired }),
    ],
    failureConverterPath: require.resolve('./failure-converter'),
  };
}

/** The data converter `env` configures (TEMPORAL_ENCRYPTION_KEYS); throws ConfigError on a malformed variable. */
export function loadDataConverter(env: Record<string, string | undefined> = process.env): DataConverter {
  return dataConverter(loadConfig(env, { requireFlinks: false }).temporal);
}
