// Finds or builds the Temporal CLI, whose `server start-dev` is the dev server used by integration tests and the demo.
import { type EphemeralServerExecutable } from '@temporalio/testing';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, isExecutableFile, runCommand, sameFile } from './exec';
import { goBuildInfo, type GoInfo, goInfo, goInstall } from './go-install';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
/**
 * Pinned. v1.6+ has a `replace` in its go.mod (the nested cliext module, which the Go proxy does not serve), so a
 * plain `go install …@v1.6.x` fails; v1.5.1 installs cleanly and bundles Temporal Server 1.29.1.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_PACKAGE = `${TEMPORAL_CLI_MODULE}/cmd/temporal`;
/** `go list -deps` of the pinned package (std included): lets progress lines show roughly how far a build is. */
const APPROX_PACKAGES = 1300;

export type TemporalCliSource = 'env' | 'path' | 'gopath' | 'built' | 'cached-download';

export interface ResolvedTemporalCli {
  executable: EphemeralServerExecutable;
  source: TemporalCliSource;
  /** One line for humans: where it came from and which version. */
  description: string;
}

export interface ResolveTemporalCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (a cold build takes minutes). */
  log?: (line: string) => void;
  /** Build with `go install` when nothing is found. Default true. */
  install?: boolean;
  /** How often a running build reports progress. Default 15 s. */
  progressIntervalMs?: number;
}

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

export async function resolveTemporalCli(
  options: ResolveTemporalCliOptions = {},
): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const install = options.install ?? true;

  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    // An explicit override that is wrong must fail loudly, not silently build something else.
    if (!isExecutableFile(explicit)) {
      throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    }
    return existing(explicit, 'env', `${explicit} (from TEMPORAL_CLI_PATH)`);
  }

  const go = await goInfo(env);
  const installed = join(go?.binDir ?? join(homedir(), 'go', 'bin'), 'temporal');

  const onPath = findOnPath('temporal', env.PATH);
  if (onPath && !sameFile(onPath, installed)) {
    return existing(onPath, 'path', `${onPath} (on PATH, ${await cliVersion(onPath)})`);
  }

  if (isExecutableFile(installed)) {
    // Our own install location is pin-checked, so bumping TEMPORAL_CLI_VERSION rebuilds even with a cached ~/go.
    const built = go ? await builtModuleVersion(installed, env) : undefined;
    if (!go || built === TEMPORAL_CLI_VERSION) {
      return existing(
        installed,
        'gopath',
        `${installed} (${TEMPORAL_CLI_MODULE} ${built ?? 'version unknown: no go'})`,
      );
    }
    if (!install) {
      return existing(
        installed,
        'gopath',
        `${installed} (${built ?? 'unknown version'}, pinned ${TEMPORAL_CLI_VERSION})`,
      );
    }
    log(
      `${installed} is ${built ?? 'not a go-built Temporal CLI'}; the pinned version is ${TEMPORAL_CLI_VERSION}: rebuilding`,
    );
  }

  if (go && install) {
    // `go install` refuses to overwrite a file that is not a Go binary: set the old one aside, restore it on failure.
    const previous = `${installed}.previous`;
    const setAside = existsSync(installed);
    if (setAside) renameSync(installed, previous);
    const failure = await installCli(env, go, log, options.progressIntervalMs ?? 15_000);
    if (setAside) {
      if (failure) renameSync(previous, installed);
      else rmSync(previous, { force: true });
    }
    if (!failure && isExecutableFile(installed)) {
      return existing(
        installed,
        'built',
        `${installed} (${TEMPORAL_CLI_MODULE} ${TEMPORAL_CLI_VERSION}, just built)`,
      );
    }
    log(`go install failed: ${failure ?? `no ${installed} afterwards`}`);
  } else if (!go) {
    log('Temporal CLI: no TEMPORAL_CLI_PATH, no `temporal` on PATH and no `go` to build it.');
  }
  log(
    "Temporal CLI: falling back to the SDK's cached-download (needs internet access to temporal.download).",
  );
  return {
    executable: { type: 'cached-download' },
    source: 'cached-download',
    description: 'SDK cached-download (fetched from temporal.download on first use)',
  };
}

function existing(path: string, source: TemporalCliSource, description: string): ResolvedTemporalCli {
  return { executable: { type: 'existing-path', path }, source, description };
}

/** The module version recorded in a Go binary's build info (`go version -m`), e.g. 'v1.5.1'. */
async function builtModuleVersion(binary: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await goBuildInfo(binary, env))?.modules.get(TEMPORAL_CLI_MODULE);
}

async function cliVersion(binary: string): Promise<string> {
  const result = await runCommand(binary, ['--version']).catch(() => undefined);
  return result?.stdout.trim().split('\n')[0] || 'version unknown';
}

/** Builds the pinned CLI into the Go bin folder, reporting progress; returns an error text or undefined. */
async function installCli(
  env: NodeJS.ProcessEnv,
  go: GoInfo,
  log: (line: string) => void,
  progressIntervalMs: number,
): Promise<string | undefined> {
  const failure = await goInstall({
    env,
    go,
    targets: [`${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`],
    gobin: go.binDir,
    what: 'the Temporal CLI',
    approxModules: 160,
    approxPackages: APPROX_PACKAGES,
    log,
    progressIntervalMs,
  });
  if (failure) return failure;
  return existsSync(join(go.binDir, 'temporal'))
    ? undefined
    : `go install did not produce ${go.binDir}/temporal`;
}
