// Whether this machine can run a cluster at all, answered synchronously (jest decides at collection time whether a
// suite runs): Go to build the Temporal server, and PostgreSQL's binaries. Without them the cluster suites skip,
// saying why; with them, a missing build is made by the harness (or `npm run tools`) and a failure is a failure.
import { existsSync } from 'node:fs';
import { findOnPath } from '../../src/temporal/exec';

export function clusterUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (!findOnPath('go', env.PATH))
    return 'no `go` on PATH to build the Temporal server (see `npm run tools`)';
  const postgres = ['/usr/lib/postgresql/15/bin/initdb'].some(existsSync) || findOnPath('initdb', env.PATH);
  if (!postgres) return 'PostgreSQL is not installed (apt-get install postgresql)';
  return null;
}
