// `npm run tools` (and `pretest`): finds or installs the Temporal CLI and the Java time-skipping test server.
// Idempotent: once both are in place it only checks them, in well under a second.
import { formatSeconds } from '../src/temporal/exec';
import { resolveTemporalCli, resolveTestServer } from '../src/temporal/binaries';

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
  log(`done in ${formatSeconds(Date.now() - started)}`);
  if (cli.source === 'cached-download' || testServer.source === 'cached-download') {
    log(
      'warning: a server will be downloaded by the SDK on first use; that needs internet access to temporal.download',
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[tools] ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(1);
});
