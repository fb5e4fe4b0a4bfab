// `npm run codec-server`: the codec server on CODEC_SERVER_HOST:CODEC_SERVER_PORT with the product's encryption keys.
import { loadConfigOrExit } from '../config';
import { startConfiguredCodecServer } from './configured-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, { requireFlinks: false });
  const server = await startConfiguredCodecServer(config, (line) => process.stderr.write(`${line}\n`));
  if (server === null) {
    process.stderr.write('Invalid configuration: TEMPORAL_ENCRYPTION_KEYS is required by the codec server\n');
    process.exit(1);
  }
  const { corsOrigin, authToken } = config.codecServer;
  const keyIds = (config.temporal.encryptionKeys ?? []).map((key) => key.id).join(', ');
  process.stdout.write(
    `Codec server on ${server.url} for the Web UI at ${corsOrigin}` +
      ` (keys ${keyIds}; ${authToken === undefined ? 'no token' : 'bearer token required'})\n` +
      `Point the UI at it: temporal server start-dev --ui-codec-endpoint ${server.url}\n`,
  );
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `codec server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
