// `npm run tools` (and `pretest`): finds or installs the Temporal CLI, the Java time-skipping test server and a real
// cluster's Temporal server, SQL tool and UI server. Idempotent: once all are in place it only checks them, in
// about a second. Without Go the cluster's parts are unavailable (its tests skip) and the rest still resolves.
import { formatSeconds } from '../src/temporal/exec';
import { resolveClusterTools, resolveTemporalCli, resolveTestServer } from '../src/temporal/binaries';

function log(line: string): void {
  process.stdout.write(`[tools] ${line}\n`);
}

async function step<T extends { description: string }>(label: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await run();
  log(`${label}: ${result.description} (${formatSeconds(Date.now() - started)})`);
  return result;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cli = await step('Temporal CLI (dev server)', () => resolveTemporalCli({ log }));
  const testServer = await step('Java time-skipping test server', () => resolveTestServer({ log }));
  const cluster = await step('Temporal cluster (server, SQL tool, UI server)', () =>
    resolveClusterTools({ log }),
  );
  log(`done in ${formatSeconds(Date.now() - started)}`);
  if (cli.source === 'cached-download' || testServer.source === 'cached-download') {
    log(
      'warning: a server will be downloaded by the SDK on first use; that needs internet access to temporal.download',
    );
  }
  if (!cluster.available && cluster.goMissing) {
    log(`warning: \`npm run cluster\` and test/cluster will not run (${cluster.reason})`);
  } else if (!cluster.available) {
    // With Go here the cluster tests must run: a failed build fails the run rather than skipping them.
    throw new Error(`the Temporal cluster's tools: ${cluster.reason}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[tools] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(1);
});
