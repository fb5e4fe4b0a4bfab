// Builds the activities from configuration: one Flinks client, one data sink, one backend notifier.
import { log } from '@temporalio/activity';
import { type AppConfig } from '../config';
import { type DataSink, DirectorySink, FlinksClient, type FlinksLogger, HttpSink } from '../flinks';
import { createBackendActivities } from './backend-activities';
import { BackendNotifier } from './backend-notifier';
import { createFlinksActivities } from './flinks-activities';

export { createBackendActivities, type BackendActivities } from './backend-activities';
export { createFlinksActivities, type FlinksActivities, type FlinksActivityDeps } from './flinks-activities';
export { BackendNotifier, BackendNotificationError } from './backend-notifier';

export interface ActivityBundle {
  /** Activities that call Flinks: they run on the Flinks task queue, which is rate limited. */
  flinks: ReturnType<typeof createFlinksActivities>;
  /** Activities that talk to our own backend. */
  backend: ReturnType<typeof createBackendActivities>;
  close(): Promise<void>;
}

/** Activity log lines go through Temporal's activity logger, which tags them with the workflow and activity. */
const activityLogger: FlinksLogger = {
  debug: (message, fields) => log.debug(message, fields),
  info: (message, fields) => log.info(message, fields),
  warn: (message, fields) => log.warn(message, fields),
  error: (message, fields) => log.error(message, fields),
};

export function createActivities(
  config: AppConfig,
  deps: { sink?: DataSink; flinks?: FlinksClient } = {},
): ActivityBundle {
  const flinks =
    deps.flinks ??
    new FlinksClient({
      baseUrl: config.flinks.baseUrl,
      secretKey: config.flinks.secretKey,
      apiKey: config.flinks.apiKey,
      pollIntervalMs: config.flinks.pollIntervalMs,
      pollTimeoutMs: config.flinks.pollTimeoutMs,
      // Per worker: the server-side queue rate limit bounds the fleet; this bounds one process's sockets.
      maxConcurrency: config.flinks.maxConcurrency,
      logger: activityLogger,
    });
  const sink =
    deps.sink ??
    (config.dataSink.url
      ? new HttpSink({ url: config.dataSink.url, hmacSecret: config.backend.signingSecret ?? '' })
      : new DirectorySink(config.dataSink.dir));
  const notifier = new BackendNotifier({
    url: config.backend.notifyUrl ?? null,
    signingSecret: config.backend.signingSecret ?? null,
    log: (message, fields) => log.info(message, fields),
  });
  return {
    flinks: createFlinksActivities({ flinks, sink }),
    backend: createBackendActivities({ notifier }),
    close: async () => {
      await flinks.close();
      if (sink instanceof HttpSink) await sink.close();
    },
  };
}
