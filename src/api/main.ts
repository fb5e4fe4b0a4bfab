// `npm run api`: the HTTP API alone, configured by the environment (docker compose runs it next to the worker).
// Refuses to start without API_TOKEN: an API that anyone on the network can drive is never the default.
import { loadConfigOrExit } from '../config';
import { closeDataSink, createDataSink } from '../flinks';
import { lineLogger } from '../logging/line-logger';
import { connectWithRetry } from './connect-with-retry';
import { createConfiguredApiServer } from './configured-server';

export async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, { requireFlinks: false });
  const token = config.api.token;
  if (!token) {
    process.stderr.write(
      'Invalid configuration: API_TOKEN is required by the HTTP API (e.g. API_TOKEN=$(openssl rand -base64 32))\n',
    );
    process.exit(1);
  }
  const log = lineLogger((line) => process.stderr.write(line), config.logLevel);
  let stopping = false;
  const stopSignals = ['SIGINT', 'SIGTERM'] as const;
  const stopWaiting = () => (stopping = true);
  for (const signal of stopSignals) process.once(signal, stopWaiting);

  const cards = await connectWithRetry(config, log, () => stopping);
  if (cards === null) return;
  const sink = createDataSink({ ...config.dataSink, ...config.backend });
  const api = createConfiguredApiServer(config, { cards, sink, token, log });
  const { url } = await api.listen(config.api.port, config.api.host);
  log.info('HTTP API listening', {
    url,
    temporal: config.temporal.address,
    namespace: config.temporal.namespace,
  });

  await new Promise<void>((resolve) => {
    for (const signal of stopSignals) {
      process.off(signal, stopWaiting);
      process.once(signal, () => resolve());
    }
  });
  log.info('HTTP API stopping');
  await api.close();
  await closeDataSink(sink);
  await cards.close();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`api failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
