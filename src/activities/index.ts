// Builds the activities from configuration: one Flinks client, one data sink, one backend notifier.
import { log } from '@temporalio/activity';
import { type Client } from '@temporalio/client';
import { type AppConfig } from '../config';
import {
  closeDataSink,
  createDataSink,
  type DataSink,
  FlinksClient,
  type FlinksLogger,
  RateLimiter,
} from '../flinks';
import { createBackendActivities } from './backend-activities';
import { BackendNotifier } from './backend-notifier';
import { createFlinksActivities } from './flinks-activities';
import { createRoutineActivities } from './routine-activities';

export { createBackendActivities, type BackendActivities } from './backend-activities';
export { createFlinksActivities, type FlinksActivities, type FlinksActivityDeps } from './flinks-activities';
export { BackendNotifier, BackendNotificationError } from './backend-notifier';
export { createRoutineActivities, type RoutineActivities, type ShardInput } from './routine-activities';

export interface ActivityBundle {
  /** Activities that call Flinks: they run on the Flinks task queue, which is rate limited. */
  flinks: ReturnType<typeof createFlinksActivities>;
  /** Activities that talk to our own backend. */
  backend: ReturnType<typeof createBackendActivities>;
  /** The nightly routine's steps that use Temporal itself (count, list and signal cards); needs `deps.client`. */
  routine?: ReturnType<typeof createRoutineActivities>;
  /** The gate of every Flinks request this process sends (absent when a Flinks client was given). */
  flinksLimiter?: RateLimiter;
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
  deps: { sink?: DataSink; flinks?: FlinksClient; client?: Client } = {},
): ActivityBundle {
  // Per process: at most FLINKS_MAX_CONCURRENCY requests in flight, and this process's share of FLINKS_MAX_RPS
  // started per sliding second, polls included (the worker sets the share: see flinks-fleet-gate.ts).
  const flinksLimiter = deps.flinks
    ? undefined
    : new RateLimiter({
        maxConcurrency: config.flinks.maxConcurrency,
        maxRps: Math.max(1, Math.floor(config.flinks.maxRps)),
      });
  const flinks =
    deps.flinks ??
    new FlinksClient({
      baseUrl: config.flinks.baseUrl,
      secretKey: config.flinks.secretKey,
      apiKey: config.flinks.apiKey,
      pollIntervalMs: config.flinks.pollIntervalMs,
      pollTimeoutMs: config.flinks.pollTimeoutMs,
      headersTimeoutMs: config.flinks.requestTimeoutMs,
      bodyTimeoutMs: config.flinks.requestTimeoutMs,
      maxConcurrency: config.flinks.maxConcurrency,
      limiter: flinksLimiter,
      logger: activityLogger,
    });
  const sink = deps.sink ?? createDataSink({ ...config.dataSink, ...config.backend });
  const notifier = new BackendNotifier({
    url: config.backend.notifyUrl ?? null,
    signingSecret: config.backend.signingSecret ?? null,
    previousSigningSecret: config.backend.previousSigningSecret ?? null,
    log: (message, fields) => log.info(message, fields),
  });
  return {
    flinks: createFlinksActivities({ flinks, sink }),
    backend: createBackendActivities({ notifier }),
    ...(deps.client ? { routine: createRoutineActivities({ client: deps.client }) } : {}),
    ...(flinksLimiter ? { flinksLimiter } : {}),
    close: async () => {
      await flinks.close();
      await closeDataSink(sink);
    },
  };
}
