// One line per log entry (`time level message key=value …`) to any writable: stderr for `npm run api`, a file
// under .data/ for `npm start` (whose terminal belongs to the live table).
import { type LogLevel } from '../config';
import { type FlinksLogger, type LogFields } from '../flinks';

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

export function lineLogger(write: (line: string) => void, level: LogLevel = 'info'): FlinksLogger {
  const at =
    (entryLevel: Exclude<LogLevel, 'trace'>) =>
    (message: string, fields?: LogFields): void => {
      if (RANK[entryLevel] < RANK[level]) return;
      write(`${new Date().toISOString()} ${entryLevel.toUpperCase()} ${message}${formatFields(fields)}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function formatFields(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  const parts = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'string' && /[\s"=]/.test(value) ? JSON.stringify(value) : String(value)}`,
    );
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}
