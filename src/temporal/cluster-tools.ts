// Finds or builds the Go programs of a real Temporal cluster (`npm run cluster`, test/cluster): the server, its SQL
// schema tool and the Web UI server, each pinned, cached in Go's bin folder under its own name (all three packages
// are called `server` or `sql`, so `go install` builds them into a private folder and they are renamed from there).
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutableFile } from './exec';
import { goBuildInfo, type GoInfo, goInfo, goInstall, goModuleDir } from './go-install';

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/**
 * One server version everywhere (the tests' dev server, `npm run cluster`, compose's images): the one the pinned
 * Temporal CLI v1.5.1 embeds (its go.mod requires go.temporal.io/server v1.29.1), so a card that works on the dev
 * server works on the cluster for the same reason.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';
/** The Web UI the CLI v1.5.1 embeds in `temporal server start-dev`. */
export const UI_SERVER_VERSION = 'v2.42.1';

export interface GoTool {
  /** The file in Go's bin folder. */
  name: string;
  module: string;
  version: string;
  /** The main package; `go install` names its binary after the last element. */
  package: string;
}

export const CLUSTER_TOOLS = {
  server: {
    name: 'temporal-server',
    module: TEMPORAL_SERVER_MODULE,
    version: TEMPORAL_SERVER_VERSION,
    package: `${TEMPORAL_SERVER_MODULE}/cmd/server`,
  },
  sqlTool: {
    name: 'temporal-sql-tool',
    module: TEMPORAL_SERVER_MODULE,
    version: TEMPORAL_SERVER_VERSION,
    package: `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql`,
  },
  uiServer: {
    name: 'temporal-ui-server',
    module: UI_SERVER_MODULE,
    version: UI_SERVER_VERSION,
    package: `${UI_SERVER_MODULE}/cmd/server`,
  },
} as const satisfies Record<string, GoTool>;

export interface ClusterTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** The server module's `schema/` folder (postgresql/v12/{temporal,visibility}/versioned). */
  schemaDir: string;
  /** The ui-server module's `config/` folder; its docker.yaml is the env-templated config the temporalio/ui image runs. */
  uiConfigDir: string;
}

export type ResolvedClusterTools =
  | { available: true; tools: ClusterTools; description: string }
  /** `goMissing`: no Go here, so the cluster cannot run (its tests skip); otherwise something went wrong. */
  | { available: false; goMissing: boolean; reason: string; description: string };

export interface ResolveClusterToolsOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Build what is missing or not at its pinned version. Default true. */
  install?: boolean;
  progressIntervalMs?: number;
}

/** `go list -deps` counts (std included; modules in use) of the packages, for the progress lines of a cold build. */
const APPROX = {
  server: { modules: 145, packages: 1260 },
  uiServer: { modules: 40, packages: 415 },
};

export async function resolveClusterTools(
  options: ResolveClusterToolsOptions = {},
): Promise<ResolvedClusterTools> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const go = await goInfo(env);
  if (!go) {
    const reason = 'no `go` on PATH to build the Temporal server, its SQL tool and the UI server';
    return { available: false, goMissing: true, reason, description: `unavailable: ${reason}` };
  }
  const path = (tool: GoTool) => join(go.binDir, tool.name);
  const stale: GoTool[] = [];
  for (const tool of Object.values(CLUSTER_TOOLS)) {
    if (!(await isPinned(path(tool), tool, env))) stale.push(tool);
  }
  if (stale.length > 0 && options.install === false) {
    const reason = `not built yet: ${stale.map((t) => t.name).join(', ')} (run \`npm run tools\`)`;
    return { available: false, goMissing: false, reason, description: `unavailable: ${reason}` };
  }
  // Tools of one module at one version build in one `go install`, sharing its work.
  const byModule = new Map<string, GoTool[]>();
  for (const tool of stale) byModule.set(tool.module, [...(byModule.get(tool.module) ?? []), tool]);
  for (const tools of byModule.values()) {
    const failure = await build(tools, go, env, log, options.progressIntervalMs ?? 15_000);
    if (failure) {
      const reason = `go install failed: ${failure}`;
      return { available: false, goMissing: false, reason, description: `unavailable: ${reason}` };
    }
  }

  const serverModule = await goModuleDir(TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION, env);
  const uiModule = await goModuleDir(UI_SERVER_MODULE, UI_SERVER_VERSION, env);
  if (!serverModule || !uiModule) {
    const reason = `go mod download could not find ${serverModule ? UI_SERVER_MODULE : TEMPORAL_SERVER_MODULE}`;
    return { available: false, goMissing: false, reason, description: `unavailable: ${reason}` };
  }
  const tools: ClusterTools = {
    server: path(CLUSTER_TOOLS.server),
    sqlTool: path(CLUSTER_TOOLS.sqlTool),
    uiServer: path(CLUSTER_TOOLS.uiServer),
    schemaDir: join(serverModule, 'schema'),
    uiConfigDir: join(uiModule, 'config'),
  };
  const built = stale.length > 0 ? `, just built ${stale.map((t) => t.name).join(', ')}` : '';
  return {
    available: true,
    tools,
    description:
      `${go.binDir}/{${Object.values(CLUSTER_TOOLS)
        .map((t) => t.name)
        .join(',')}} ` + `(server ${TEMPORAL_SERVER_VERSION}, UI server ${UI_SERVER_VERSION}${built})`,
  };
}

/** The file is the Go build of exactly this package at exactly this version. */
async function isPinned(file: string, tool: GoTool, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!isExecutableFile(file)) return false;
  const info = await goBuildInfo(file, env);
  return info?.path === tool.package && info.modules.get(tool.module) === tool.version;
}

/** Builds into a private folder inside Go's bin folder, then renames each binary into place (atomic). */
async function build(
  tools: readonly GoTool[],
  go: GoInfo,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  progressIntervalMs: number,
): Promise<string | undefined> {
  mkdirSync(go.binDir, { recursive: true });
  const staging = mkdtempSync(join(go.binDir, '.cluster-tools-'));
  try {
    const approx = tools[0]?.module === UI_SERVER_MODULE ? APPROX.uiServer : APPROX.server;
    const failure = await goInstall({
      env,
      go,
      targets: tools.map((t) => `${t.package}@${t.version}`),
      gobin: staging,
      what: tools.map((t) => t.name).join(' and '),
      approxModules: approx.modules,
      approxPackages: approx.packages,
      log,
      progressIntervalMs,
    });
    if (failure) return failure;
    for (const tool of tools) {
      const produced = join(staging, tool.package.split('/').pop() as string);
      if (!isExecutableFile(produced)) return `go install did not produce ${produced}`;
      renameSync(produced, join(go.binDir, tool.name));
    }
    return undefined;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
