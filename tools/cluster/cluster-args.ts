// `npm run cluster -- [options]`: `npm start`'s options, a data folder of its own, and the shape of the cluster.
import { parseArgsWith, type StartArgs, StartUsageError } from '../../src/start/start-args';
import { type ClusterMode } from './cluster';

export interface ClusterArgs extends StartArgs {
  mode: ClusterMode;
  workers: number;
}

export const CLUSTER_USAGE = `Usage: npm run cluster -- [options]

The production topology on this machine, every part its own process over TCP: PostgreSQL, the Temporal services
(frontend, history, matching, worker), the Web UI, the workers (npm run worker), the HTTP API (npm run api) and the
Flinks simulator with the demo cards. Ctrl-C stops them all: the API, the workers, Temporal, PostgreSQL.

  --workers N             worker processes (2)
  --single                the Temporal server as one process instead of its four services
  --verbose               this command's own log here, not in <data-dir>/npm-cluster.log (each process logs
                          into <data-dir>/logs/)
  --demo-clock DURATION   run Flinks' nightly job and the routine every DURATION (e.g. 5m), for demos
  --data-dir PATH         PostgreSQL's data, the logs, the simulator's cards and the API token (.data/cluster)
  --temporal-port N       the Temporal frontend's port (7233; 0 = any free port)
  --ui-port N             the Temporal Web UI's port (8233; 0 = any free port)
  --simulator-port N      the Flinks simulator's port (4010; 0 = any free port)
  -h, --help              this text

Environment: the variables of the README's configuration table (given to the workers and the API).
FLINKS_BASE_URL set: use that Flinks instead of the simulator (no demo cards).`;

const MAX_WORKERS = 16;

export function parseClusterArgs(argv: readonly string[]): ClusterArgs {
  const { args, extra } = parseArgsWith(
    argv,
    { workers: { type: 'string' }, single: { type: 'boolean' } },
    '.data/cluster',
  );
  const workersText = typeof extra.workers === 'string' ? extra.workers : '2';
  const workers = Number(workersText);
  if (!/^\d+$/.test(workersText) || workers < 1 || workers > MAX_WORKERS) {
    throw new StartUsageError(`--workers must be a number from 1 to ${MAX_WORKERS} (got '${workersText}')`);
  }
  return { ...args, mode: extra.single === true ? 'single' : 'services', workers };
}
