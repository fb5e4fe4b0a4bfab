// `npm start -- [options]`: what is about this one process; everything shared with the worker stays in the
// environment (src/config.ts).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../domain/duration';

export interface StartArgs {
  help: boolean;
  verbose: boolean;
  /** A night (Flinks' job + the routine) this often; null = real time. */
  demoClockMs: number | null;
  dataDir: string;
  temporalPort: number;
  uiPort: number;
  simulatorPort: number;
}

export class StartUsageError extends Error {
  override readonly name = 'StartUsageError';
}

export const START_USAGE = `Usage: npm start -- [options]

  --verbose               show the worker's, the API's and the dev server's logs (default: .data/npm-start.log)
  --demo-clock DURATION   run Flinks' nightly job and the routine every DURATION (e.g. 5m), for demos
  --data-dir PATH         where the dev server's SQLite file, the simulator's cards and the API token live (.data)
  --temporal-port N       the embedded dev server's port (7233; 0 = any free port)
  --ui-port N             the Temporal Web UI's port (8233; 0 = any free port)
  --simulator-port N      the Flinks simulator's port (4010; 0 = any free port)
  -h, --help              this text

Environment: the variables of the README's configuration table. TEMPORAL_ADDRESS set: use that server instead of
starting one. FLINKS_BASE_URL set: use that Flinks instead of the simulator (no demo cards).`;

const MIN_DEMO_NIGHT_MS = 30_000;

export function parseStartArgs(argv: readonly string[]): StartArgs {
  return parseArgsWith(argv, {}, '.data').args;
}

/** Extra flags of a command built like `npm start` (e.g. `npm run cluster`): strings or booleans. */
export type ExtraOptions = Record<string, { type: 'string' | 'boolean' }>;

/** `npm start`'s options plus `extra`, with its own default data folder; the extra values as parsed. */
export function parseArgsWith(
  argv: readonly string[],
  extra: ExtraOptions,
  defaultDataDir: string,
): { args: StartArgs; extra: Record<string, string | boolean | undefined> } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: 'boolean', short: 'h' },
        verbose: { type: 'boolean' },
        'demo-clock': { type: 'string' },
        'data-dir': { type: 'string' },
        'temporal-port': { type: 'string' },
        'ui-port': { type: 'string' },
        'simulator-port': { type: 'string' },
        ...extra,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new StartUsageError(error instanceof Error ? error.message : String(error));
  }
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const args: StartArgs = {
    help: values.help === true,
    verbose: values.verbose === true,
    demoClockMs: text('demo-clock') === undefined ? null : demoClock(text('demo-clock') as string),
    dataDir: resolve(text('data-dir') ?? defaultDataDir),
    temporalPort: parsePortFlag(text('temporal-port'), 7233, '--temporal-port'),
    uiPort: parsePortFlag(text('ui-port'), 8233, '--ui-port'),
    simulatorPort: parsePortFlag(text('simulator-port'), 4010, '--simulator-port'),
  };
  return { args, extra: Object.fromEntries(Object.keys(extra).map((name) => [name, values[name]])) };
}

function demoClock(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new StartUsageError(`--demo-clock must be a duration like 5m or 90s (got '${text}')`);
  }
  if (ms < MIN_DEMO_NIGHT_MS) {
    throw new StartUsageError(
      `--demo-clock must be at least 30s: a night takes a few seconds (got '${text}')`,
    );
  }
  return ms;
}

export function parsePortFlag(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535)
    throw new StartUsageError(`${flag} must be a port number (got '${text}')`);
  return value;
}
