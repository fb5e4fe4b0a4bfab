// `go install pkg@version` with progress lines, and the build info Go records in a binary (to pin-check it): what
// the Temporal CLI and the cluster's Go programs (server, SQL tool, UI server) are installed with.
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findOnPath, formatSeconds, runCommand, tail } from './exec';

export interface GoInfo {
  /** The `go` executable. */
  go: string;
  /** Where `go install` writes binaries: GOBIN, else the first GOPATH entry's bin. */
  binDir: string;
}

/** `go` on PATH and its bin folder, or undefined without Go. */
export async function goInfo(env: NodeJS.ProcessEnv = process.env): Promise<GoInfo | undefined> {
  const go = findOnPath('go', env.PATH);
  if (!go) return undefined;
  const result = await runCommand(go, ['env', 'GOBIN', 'GOPATH'], { env }).catch(() => undefined);
  if (!result || result.code !== 0) return undefined;
  const [gobin = '', gopath = ''] = result.stdout.split('\n').map((s) => s.trim());
  const firstGopath = gopath.split(delimiter)[0] || join(homedir(), 'go');
  return { go, binDir: gobin || join(firstGopath, 'bin') };
}

export interface GoBuildInfo {
  /** The main package, e.g. 'go.temporal.io/server/cmd/server'. */
  path: string | undefined;
  /** Module path → version, for the main module and every dependency. */
  modules: ReadonlyMap<string, string>;
}

/** What `go version -m` reads from a Go binary; undefined when it is not one (or there is no go). */
export async function goBuildInfo(binary: string, env: NodeJS.ProcessEnv): Promise<GoBuildInfo | undefined> {
  const go = findOnPath('go', env.PATH);
  if (!go) return undefined;
  const result = await runCommand(go, ['version', '-m', binary], { env }).catch(() => undefined);
  if (!result || result.code !== 0) return undefined;
  let path: string | undefined;
  const modules = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const [kind, name, version] = line.trim().split('\t');
    if (kind === 'path') path = name;
    else if ((kind === 'mod' || kind === 'dep') && name && version) modules.set(name, version);
  }
  return { path, modules };
}

/** Where the module cache holds `module@version` (downloads it if missing); undefined when go cannot. */
export async function goModuleDir(
  module: string,
  version: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const go = findOnPath('go', env.PATH);
  if (!go) return undefined;
  const result = await runCommand(go, ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: tmpdir(),
    env: { ...env, GOWORK: 'off' },
  }).catch(() => undefined);
  if (!result || result.code !== 0) return undefined;
  try {
    return (JSON.parse(result.stdout) as { Dir?: string }).Dir || undefined;
  } catch {
    return undefined;
  }
}

export interface GoInstallOptions {
  env: NodeJS.ProcessEnv;
  go: GoInfo;
  /** `pkg@version` arguments; several packages of one module at one version build in one go. */
  targets: readonly string[];
  /** Where the binaries go (GOBIN). */
  gobin: string;
  /** For the progress lines, e.g. 'the Temporal CLI'. */
  what: string;
  /** Roughly how many modules a cold build downloads and packages it compiles (for "n of ~N"). */
  approxModules: number;
  approxPackages: number;
  log: (line: string) => void;
  progressIntervalMs: number;
}

/** Runs `go install -v`, reporting progress; returns an error text, or undefined on success. */
export async function goInstall(options: GoInstallOptions): Promise<string | undefined> {
  const { log, approxPackages } = options;
  log(`Building ${options.what}: go install ${options.targets.join(' ')} -> ${options.gobin}`);
  log(
    `  a cold build downloads ~${options.approxModules} modules and compiles ~${approxPackages} packages ` +
      "(minutes on 2 cores); Go's caches make later builds take seconds",
  );
  const started = Date.now();
  let downloaded = 0;
  let compiled = 0;
  let compiling = false;
  const timer = setInterval(() => {
    log(
      `  still building ${options.what}… ${formatSeconds(Date.now() - started)}: ${downloaded} modules downloaded, ` +
        `${compiled} of ~${approxPackages} packages compiled`,
    );
  }, options.progressIntervalMs);
  try {
    const result = await runCommand(options.go.go, ['install', '-v', ...options.targets], {
      // Outside the repository so no go.mod / go.work here can interfere with a module-aware `go install pkg@version`.
      cwd: tmpdir(),
      env: { ...options.env, GOWORK: 'off', GOBIN: options.gobin },
      onStderrLine: (line) => {
        if (line.startsWith('go: downloading ')) {
          downloaded += 1;
        } else if (/^[\w.~-]+(\/[\w.~+-]+)*$/.test(line.trim())) {
          // `go install -v` prints each package as it is compiled.
          if (!compiling) {
            compiling = true;
            log(`  compiling (${downloaded} modules downloaded in ${formatSeconds(Date.now() - started)})`);
          }
          compiled += 1;
        }
      },
    });
    if (result.code !== 0) return `exit ${result.code ?? result.signal}\n${tail(result.stderr)}`;
    log(
      `  built in ${formatSeconds(Date.now() - started)} (${downloaded} modules downloaded, ${compiled} packages compiled)`,
    );
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearInterval(timer);
  }
}
