// The codec server as the configuration describes it: what `npm run codec-server` runs, and what `npm start` runs
// next to the dev server (whose Web UI it then serves through `--ui-codec-endpoint <url>`).
import { type AppConfig } from '../config';
import { EncryptionCodec } from './encryption-codec';
import { type CodecServer, startCodecServer } from './server';

/** Listening on CODEC_SERVER_HOST:CODEC_SERVER_PORT; null when TEMPORAL_ENCRYPTION_KEYS is unset (nothing to decode). */
export function startConfiguredCodecServer(
  config: Pick<AppConfig, 'temporal' | 'codecServer'>,
  log?: (line: string) => void,
): Promise<CodecServer | null> {
  const keys = config.temporal.encryptionKeys;
  if (keys === undefined) return Promise.resolve(null);
  // Never strict: the server only shows payloads to the UI, which sends plaintext ones too (histories from before
  // encryption); refusing those would hide them without protecting anything.
  return startCodecServer({ codec: new EncryptionCodec(keys), ...config.codecServer, log });
}
