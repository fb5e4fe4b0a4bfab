// What `npm start` prints once everything runs: where to look, and one command to try.
import { isAbsolute, relative } from 'node:path';

export interface BannerInput {
  temporal: {
    address: string;
    namespace: string;
    embedded: boolean;
    uiUrl: string | null;
    dbPath: string | null;
    /** Said after the address instead of the dev server's data file, e.g. `npm run cluster`'s topology. */
    note?: string;
  };
  /** One line per process the command runs (`npm run cluster`); none for `npm start`. */
  processes?: readonly string[];
  api: { url: string; token: string; tokenSource: 'env' | 'file' | 'generated'; tokenFile: string };
  flinks: { simulatorUrl: string | null; baseUrl: string };
  schedule: string;
  demoClockMs: number | null;
  logFile: string | null;
}

/** The banner's part that `npm start` and `npm run cluster` fill in alike: the API, Flinks, the schedule. */
export function productBanner(p: {
  apiUrl: string;
  token: { token: string; source: BannerInput['api']['tokenSource'] };
  tokenFile: string;
  sim: { adminUrl: string } | null;
  flinksBaseUrl: string;
  scheduleTime: string;
  schedule: { scheduleId: string; paused: boolean };
  demoClockMs: number | null;
  logFile: string | null;
}): Pick<BannerInput, 'api' | 'flinks' | 'schedule' | 'demoClockMs' | 'logFile'> {
  return {
    api: { url: p.apiUrl, token: p.token.token, tokenSource: p.token.source, tokenFile: p.tokenFile },
    flinks: {
      simulatorUrl: p.sim ? p.sim.adminUrl.replace(/\/admin$/, '') : null,
      baseUrl: p.flinksBaseUrl,
    },
    schedule: `daily at ${p.scheduleTime} UTC (schedule ${p.schedule.scheduleId}${p.schedule.paused ? ', paused' : ''})`,
    demoClockMs: p.demoClockMs,
    logFile: p.logFile,
  };
}

export function renderBanner(b: BannerInput): string {
  // Short inside the project (.data/…), absolute elsewhere.
  const here = (path: string) => {
    const short = relative(process.cwd(), path);
    return short.startsWith('..') || isAbsolute(short) ? path : short || '.';
  };
  const cardsQuery = encodeURIComponent(`WorkflowType = "cardLifecycle"`);
  const ui = b.temporal.uiUrl
    ? `${b.temporal.uiUrl}/namespaces/${encodeURIComponent(b.temporal.namespace)}/workflows?query=${cardsQuery}`
    : 'the Web UI of your Temporal server';
  const token =
    b.api.tokenSource === 'env'
      ? '(API_TOKEN)'
      : `${b.api.token}  (${b.api.tokenSource === 'generated' ? 'generated, saved in' : 'from'} ${here(b.api.tokenFile)}; set API_TOKEN to choose one)`;
  const lines = [
    '',
    'flinks-refresh is running',
    `  Temporal Web UI  ${ui}`,
    `  Temporal         ${b.temporal.address}, namespace ${b.temporal.namespace}${
      b.temporal.note
        ? ` (${b.temporal.note})`
        : b.temporal.embedded && b.temporal.dbPath
          ? ` (embedded dev server, data in ${here(b.temporal.dbPath)})`
          : ''
    }`,
    ...(b.processes ?? []).map((line, i) => `  ${i === 0 ? 'Processes' : '         '}        ${line}`),
    `  HTTP API         ${b.api.url}`,
    `  API token        ${token}`,
    `  Flinks           ${b.flinks.simulatorUrl ? `simulator at ${b.flinks.simulatorUrl} (admin API under /admin)` : b.flinks.baseUrl}`,
    `  Nightly routine  ${b.schedule}${b.demoClockMs === null ? '' : `; demo clock: a night every ${Math.round(b.demoClockMs / 1000)} s`}`,
    `  Logs             ${b.logFile ? `${here(b.logFile)} (--verbose prints them here)` : 'below'}`,
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${b.api.tokenSource === 'env' ? '$API_TOKEN' : b.api.token}" ${b.api.url}/cards?status=awaiting-user-mfa`,
    `  In the Web UI, filter with: FlinksCardStatus = 'errored'`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}
