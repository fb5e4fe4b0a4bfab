// `npm start`'s main as a child process (what a user runs, minus npm): its output, the URLs its banner prints,
// and a Ctrl-C (SIGINT) with the exit code.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { HarnessError } from '../harness/harness-error';
import { waitFor } from '../harness/wait-for';

const root = join(__dirname, '..', '..');

export interface StartProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches; fails with the output's tail after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  banner(): Promise<{ apiUrl: string; token: string; uiUrl: string }>;
  /** Ctrl-C; resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

/** `entry`: another command built like `npm start` (test/cluster runs `npm run cluster`'s). */
export function runStart(
  args: readonly string[],
  env: Record<string, string>,
  entry = 'src/start/main.ts',
): StartProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForOutput = async (pattern: RegExp, timeoutMs = 60_000) => {
    const match = await waitFor(
      async () => pattern.exec(output) ?? (child.exitCode === null ? undefined : null),
      { timeoutMs, intervalMs: 100 },
    ).catch(() => null);
    if (match === null) {
      throw new HarnessError(
        `npm start never printed ${pattern} (exit ${child.exitCode}):\n${output.slice(-3_000)}`,
      );
    }
    return match;
  };
  return {
    child,
    output: () => output,
    waitForOutput,
    async banner() {
      const [, uiUrl = ''] = await waitForOutput(/Temporal Web UI {2}(\S+)/);
      const [, apiUrl = ''] = await waitForOutput(/HTTP API {9}(\S+)/);
      const [, token = ''] = await waitForOutput(/API token {8}(\S+)/);
      return { apiUrl, token, uiUrl };
    },
    async interrupt(timeoutMs = 30_000) {
      if (child.exitCode === null) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new HarnessError(`npm start did not stop within ${timeoutMs} ms:\n${output.slice(-3_000)}`);
      }
      return code;
    },
  };
}

/** The loginIds in the last card table printed. */
export function tableLoginIds(output: string): string[] {
  const last = output.slice(output.lastIndexOf('Cards (UTC times)'));
  return [...last.matchAll(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) /gm)]
    .map((m) => m[1] as string)
    .sort();
}
