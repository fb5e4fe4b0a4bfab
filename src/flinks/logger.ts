import { type Redactor } from './redactor';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** What the client logs through: a subset of console / pino / Temporal's activity logger. */
export interface FlinksLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const noop = (): void => undefined;
export const silentLogger: FlinksLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Wraps a logger so that every message and string field passes through the redactor first. */
export function redactingLogger(target: FlinksLogger, redactor: Redactor): FlinksLogger {
  const wrap =
    (level: keyof FlinksLogger) =>
    (message: string, fields?: LogFields): void => {
      const safe = redactor.redact(message);
      if (fields === undefined) {
        target[level](safe);
        return;
      }
      const cleaned: LogFields = {};
      for (const [key, value] of Object.entries(fields)) {
        cleaned[key] = typeof value === 'string' ? redactor.redact(value) : value;
      }
      target[level](safe, cleaned);
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
