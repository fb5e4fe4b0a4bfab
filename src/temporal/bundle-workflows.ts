// Bundles the workflow code into the file named by its argument. The worker runs it in a short-lived child process
// so that webpack (about 100 MB that Node never gives back) stays out of the worker's RSS (README, Performance).
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('bundle-workflows: the output file is required (got no argument)');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(out, code);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bundle-workflows failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
