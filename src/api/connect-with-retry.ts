// A long-running process (the API in docker compose) may start before Temporal answers: wait for it rather than
// exit, saying so once in a while.
import { FlinksRefreshClient, TemporalUnavailableError } from '../client';
import { type ClientConfig } from '../config';
import { type FlinksLogger } from '../flinks';

export async function connectWithRetry(
  config: Pick<ClientConfig, 'temporal' | 'flinks'>,
  log: FlinksLogger,
  stopped: () => boolean = () => false,
): Promise<FlinksRefreshClient | null> {
  for (let delayMs = 1_000; !stopped(); delayMs = Math.min(delayMs * 2, 15_000)) {
    try {
      return await FlinksRefreshClient.fromConfig(config);
    } catch (error) {
      if (!(error instanceof TemporalUnavailableError)) throw error;
      log.warn('waiting for Temporal', { address: config.temporal.address, retryInMs: delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return null;
}
