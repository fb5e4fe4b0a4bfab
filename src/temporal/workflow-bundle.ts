// The worker's workflow bundle, built out of process (see bundle-workflows.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class WorkflowBundleError extends Error {
  override readonly name = 'WorkflowBundleError';
}

/**
 * Bundles `src/workflows` in a child process and returns where the code is, for `workflowBundle: { codePath }`
 * (read once by Worker.create), and how to remove it afterwards.
 */
export async function bundleWorkflowsOutOfProcess(): Promise<{ codePath: string; remove(): Promise<void> }> {
  const codePath = join(await mkdtemp(join(tmpdir(), 'flinks-refresh-bundle-')), 'workflow-bundle.js');
  const script = require.resolve('./bundle-workflows');
  // Run from TypeScript sources (npm run worker) the child needs ts-node too; compiled, plain node.
  const loader = script.endsWith('.ts') ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
  try {
    await execFileAsync(process.execPath, [...loader, script, codePath], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new WorkflowBundleError(
      `Could not bundle the workflow code in a child process: ${stderr || (error as Error).message}`,
    );
  }
  return { codePath, remove: () => rm(dirname(codePath), { recursive: true, force: true }) };
}
