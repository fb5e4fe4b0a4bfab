// A quieter Temporal Runtime for tests: warnings and errors only (TEMPORAL_TEST_LOG_LEVEL=DEBUG for more), without
// notices that are expected in tests (a worker polls no workflows, activities or Nexus services; the Java test
// server lacks a capability).
import { IllegalStateError, type Logger, type LogLevel, type LogMetadata } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const NOISE = new RegExp(
  [
    '^No (workflows|activities|Nexus services) registered',
    // The Java test server does not advertise this capability; expected in time-skipping suites.
    'did not advertise the activity_failure_include_heartbeat capability',
  ].join('|'),
);

class TestLogger implements Logger {
  constructor(private readonly inner: Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (!NOISE.test(message)) this.inner.log(level, message, meta);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** Installs the test Runtime unless this module registry already has one; harness helpers call it first. */
export function installTestRuntime(): void {
  const requested = process.env.TEMPORAL_TEST_LOG_LEVEL?.toUpperCase() as LogLevel | undefined;
  const level = requested && LEVELS.includes(requested) ? requested : 'WARN';
  try {
    Runtime.install({
      logger: new TestLogger(new DefaultLogger(level)),
      // Core's own logs go through the same logger (and filter) instead of straight to stderr.
      telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } },
    });
  } catch (error) {
    // Already installed or instantiated in this module registry (one per jest test file): keep it.
    if (!(error instanceof IllegalStateError)) throw error;
  }
}
