// A real Temporal cluster on this machine, for `npm run cluster` and test/cluster: PostgreSQL in a data folder of
// its own, the databases and schemas made by compose's own script (compose/temporal/setup-postgres.sh), the server
// started by compose's own entrypoint on compose's own config and dynamic config (compose/temporal/start-server.sh),
// the namespace and search attributes registered by compose's own script (compose/temporal/setup-namespace.sh).
// The server runs as one process ('single') or as its four services, one process each ('services'), every part in
// its own process group on its own 127.0.0.1 ports.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { type ClusterTools, resolveClusterTools, resolveTemporalCli } from '../../src/temporal/binaries';
import { findFreePort, formatSeconds, runCommand, tail, waitForPort } from '../../src/temporal/exec';
import { projectRoot } from '../../src/temporal/paths';
import { clusterRecord, type ClusterRecord } from './cluster-record';
import { managedProcess, type ManagedProcess } from './managed-process';
import { type ClusterPorts, clusterPorts } from './ports';
import { findPostgresBin, postgres, type PostgresStopMode } from './postgres';
import { startUiServer } from './ui-server';

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

export type ClusterMode = 'single' | 'services';
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];
/** 'server' is the one process of the single mode. */
export type ClusterPart = TemporalService | 'server';

export interface StartClusterOptions {
  mode: ClusterMode;
  /** Kept across runs when given; otherwise a temporary folder, removed by stop(). */
  dataDir?: string;
  namespace?: string;
  /** Fixed ports (e.g. the frontend on 7233); the rest are free ones, the same again on a restart. */
  ports?: Partial<ClusterPorts>;
  /** Also start the Web UI (temporal-ui-server) on ports.ui. */
  ui?: boolean | { codecEndpoint?: string };
  /** Each Temporal process serves Prometheus metrics on a free port of its own (Cluster.metricsUrls). */
  metrics?: boolean;
  /** The server's log level (its log is in <dataDir>/logs). Default warn. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Progress lines. */
  log?: (line: string) => void;
  /** A part exited while nobody asked it to (not a fault the test injected with kill()). */
  onUnexpectedExit?: (part: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Prebuilt tools (else resolved, and built if missing). */
  tools?: ClusterTools;
}

export interface ClusterService {
  readonly name: ClusterPart;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** A signal to it now, e.g. SIGKILL for a crash; start() brings it back on the same ports. */
  kill(signal: NodeJS.Signals): void;
  /** Starts it again (if not running; after a kill, once that run has exited) and waits for its port. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface Cluster {
  mode: ClusterMode;
  /** The frontend, host:port. */
  address: string;
  namespace: string;
  dataDir: string;
  ports: ClusterPorts;
  uiUrl: string | null;
  /** Each Temporal process's /metrics (with the metrics option; else empty). */
  metricsUrls: string[];
  uiPid: number | undefined;
  pg: {
    port: number;
    readonly pid: number | undefined;
    stop(mode?: PostgresStopMode): Promise<void>;
    start(): Promise<void>;
  };
  /** What it ran, read back once it was up (test/cluster compares it with docker-compose.yml). */
  record: ClusterRecord;
  /** 'server' in single mode; 'frontend' | 'history' | 'matching' | 'worker' in services mode. */
  service(name: ClusterPart): ClusterService;
  /** The process groups of every part started so far (each part's pid), for "nothing left running" checks. */
  processGroups(): number[];
  /** The Web UI and the Temporal processes (PostgreSQL keeps running); idempotent. */
  stopTemporal(): Promise<void>;
  /** The Web UI, Temporal, then PostgreSQL (fast shutdown); idempotent. */
  stop(): Promise<void>;
}

export const PG_USER = 'temporal';
const COMPOSE_TEMPORAL = (root: string) => join(root, 'compose', 'temporal');
const SCHEMA_SCRIPT = 'setup-postgres.sh';
const SETUP_SCRIPT = 'setup-namespace.sh';
const SERVICE_START_TIMEOUT_MS = 60_000;

/** The port that opens once a service runs: the worker service serves no gRPC, it only joins the membership ring. */
const READY_PORT: Record<TemporalService, keyof ClusterPorts> = {
  frontend: 'frontendGrpc',
  history: 'historyGrpc',
  matching: 'matchingGrpc',
  worker: 'workerMembership',
};

export async function startCluster(options: StartClusterOptions): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const root = projectRoot();
  const namespace = options.namespace ?? 'default';
  const started = Date.now();
  const tools = options.tools ?? (await clusterTools(log));
  const pgBin = await findPostgresBin();
  if (!pgBin) {
    throw new ClusterError(
      'PostgreSQL is not installed (no initdb in /usr/lib/postgresql/15/bin, dpkg -L postgresql-15 or PATH): apt-get install postgresql',
    );
  }
  const cli = await resolveTemporalCli({ log, install: false });
  if (cli.executable.type !== 'existing-path') {
    throw new ClusterError(
      'no Temporal CLI to register the namespace and search attributes with: run `npm run tools`',
    );
  }

  const temporaryData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flinks-cluster-'));
  mkdirSync(dataDir, { recursive: true });
  const ports = await clusterPorts(dataDir, options.ports);
  const logs = join(dataDir, 'logs');
  const unexpected = (part: string) => (code: number | null, signal: NodeJS.Signals | null) =>
    options.onUnexpectedExit?.(part, code, signal);
  const everStarted = new Set<number>();
  const parts: ManagedProcess[] = [];
  const track = (part: ManagedProcess): ManagedProcess => {
    parts.push(part);
    return part;
  };
  const remember = () => parts.forEach((p) => p.pid !== undefined && everStarted.add(p.pid));

  // The compose scripts find their programs on PATH, as they do in the admin-tools and server images.
  const toolPath = [dirname(tools.server), dirname(cli.executable.path), process.env.PATH ?? ''].join(
    delimiter,
  );
  const composeEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: toolPath,
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(ports.postgres),
    POSTGRES_USER: PG_USER,
    POSTGRES_PWD: '',
    SQL_PASSWORD: '',
  };

  const pg = postgres(pgBin, {
    dataDir: join(dataDir, 'postgresql'),
    port: ports.postgres,
    logFile: join(logs, 'postgresql.log'),
    user: PG_USER,
    onUnexpectedExit: unexpected('postgresql'),
  });
  track(pg.process);

  const serverEnv: NodeJS.ProcessEnv = {
    ...composeEnv,
    TEMPORAL_ROOT: COMPOSE_TEMPORAL(root),
    BIND_ON_IP: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    FRONTEND_GRPC_PORT: String(ports.frontendGrpc),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.historyGrpc),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matchingGrpc),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.workerGrpc),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
  };
  const names: readonly ClusterPart[] = options.mode === 'single' ? ['server'] : TEMPORAL_SERVICES;
  const services = new Map<ClusterPart, ClusterService>();
  const metricsUrls: string[] = [];
  for (const name of names) {
    // A port of its own per process: in services mode each would otherwise bind the same one.
    const metricsPort = options.metrics ? await findFreePort() : null;
    if (metricsPort !== null) metricsUrls.push(`http://127.0.0.1:${metricsPort}/metrics`);
    const part = track(
      managedProcess({
        name: `temporal-${name}`,
        command: '/bin/sh',
        args: [join(COMPOSE_TEMPORAL(root), 'start-server.sh')],
        env: {
          ...serverEnv,
          SERVICES: name === 'server' ? '' : name,
          ...(metricsPort === null ? {} : { PROMETHEUS_ENDPOINT: `127.0.0.1:${metricsPort}` }),
        },
        logFile: join(logs, `temporal-${name}.log`),
        // After start-server.sh's exec, the process is temporal-server.
        pidFile: { path: join(dataDir, 'run', `temporal-${name}.pid`), commandIncludes: 'temporal-server' },
        onUnexpectedExit: unexpected(`temporal-${name}`),
      }),
    );
    // The single process answers on the frontend's port; each service on its own.
    const port = ports[READY_PORT[name === 'server' ? 'frontend' : name]];
    services.set(name, {
      name,
      get pid() {
        return part.pid;
      },
      get running() {
        return part.running;
      },
      kill: (signal) => part.kill(signal),
      async start() {
        // Just killed (a fault test): the new run starts once the old one is gone, on the same ports.
        if (part.exiting) await part.exited();
        part.start();
        remember();
        try {
          await waitForPort(port, SERVICE_START_TIMEOUT_MS, () => !part.running);
        } catch {
          throw new ClusterError(`temporal ${name} did not listen on ${port}:\n${part.logTail()}`);
        }
      },
      stop: () => part.stop(),
    });
  }

  let ui: Awaited<ReturnType<typeof startUiServer>> | null = null;
  let record: ClusterRecord | undefined;
  let stoppingTemporal: Promise<void> | null = null;
  const stopTemporal = (): Promise<void> =>
    (stoppingTemporal ??= (async () => {
      await ui?.process.stop();
      // The frontend first (no new requests), the history service last among them (it owns the shards).
      for (const name of ['frontend', 'worker', 'matching', 'history', 'server'] as const) {
        await services.get(name)?.stop();
      }
    })());
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopTemporal();
      await pg.stop('fast');
      if (temporaryData) rmSync(dataDir, { recursive: true, force: true });
    })());

  try {
    let at = Date.now();
    await pg.start();
    remember();
    log(`PostgreSQL on 127.0.0.1:${ports.postgres} (${formatSeconds(Date.now() - at)})`);

    at = Date.now();
    await composeScript(root, SCHEMA_SCRIPT, { ...composeEnv, TEMPORAL_SCHEMA_DIR: tools.schemaDir });
    log(`databases temporal and temporal_visibility ready (${formatSeconds(Date.now() - at)})`);

    at = Date.now();
    // One after the other: on a new database each service writes the cluster's metadata at its start, and
    // services starting at the same moment race for it (the loser exits).
    for (const service of services.values()) await service.start();
    log(
      `Temporal ${options.mode === 'single' ? 'server (one process)' : `services ${TEMPORAL_SERVICES.join(', ')} (one process each)`} on 127.0.0.1:${ports.frontendGrpc} (${formatSeconds(Date.now() - at)})`,
    );

    at = Date.now();
    await composeScript(root, SETUP_SCRIPT, {
      ...composeEnv,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.frontendGrpc}`,
      TEMPORAL_NAMESPACE: namespace,
    });
    log(`namespace ${namespace} and its search attributes registered (${formatSeconds(Date.now() - at)})`);
    record = await clusterRecord({
      root,
      postgresBin: pgBin,
      schemaScript: join(COMPOSE_TEMPORAL(root), SCHEMA_SCRIPT),
      schemaDir: tools.schemaDir,
      setupScript: join(COMPOSE_TEMPORAL(root), SETUP_SCRIPT),
      temporalPids: [...services.values()].map(({ name, pid }) => ({ part: name, pid })),
      address: `127.0.0.1:${ports.frontendGrpc}`,
      namespace,
    });

    if (options.ui) {
      ui = await startUiServer({
        executable: tools.uiServer,
        temporalAddress: `127.0.0.1:${ports.frontendGrpc}`,
        namespace,
        port: ports.ui,
        dir: join(dataDir, 'ui'),
        logFile: join(logs, 'temporal-ui-server.log'),
        pidFile: join(dataDir, 'run', 'temporal-ui-server.pid'),
        codecEndpoint: typeof options.ui === 'object' ? options.ui.codecEndpoint : undefined,
        onUnexpectedExit: unexpected('temporal-ui-server'),
      });
      track(ui.process);
      remember();
    }
    log(`cluster up in ${formatSeconds(Date.now() - started)}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    mode: options.mode,
    address: `127.0.0.1:${ports.frontendGrpc}`,
    namespace,
    dataDir,
    record: record as ClusterRecord,
    ports,
    uiUrl: ui?.url ?? null,
    metricsUrls,
    uiPid: ui?.process.pid,
    pg: {
      port: ports.postgres,
      get pid() {
        return pg.process.pid;
      },
      stop: (mode) => pg.stop(mode),
      async start() {
        await pg.start();
        remember();
      },
    },
    service(name) {
      const service = services.get(name);
      if (!service) {
        throw new ClusterError(
          `no Temporal part '${name}' in ${options.mode} mode (it has ${[...services.keys()].join(', ')})`,
        );
      }
      return service;
    },
    processGroups: () => [...everStarted],
    stopTemporal,
    stop,
  };
}

async function clusterTools(log: (line: string) => void): Promise<ClusterTools> {
  const resolved = await resolveClusterTools({ log });
  if (!resolved.available) throw new ClusterError(`the cluster's Go programs are ${resolved.description}`);
  return resolved.tools;
}

/** Runs one of compose/temporal's scripts as compose runs it (sh, programs on PATH), failing with its output. */
async function composeScript(root: string, script: string, env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCommand('/bin/sh', [join(COMPOSE_TEMPORAL(root), script)], { env });
  if (result.code !== 0) {
    throw new ClusterError(
      `compose/temporal/${script} failed (exit ${result.code ?? result.signal}):\n${tail(`${result.stdout}\n${result.stderr}`)}`,
    );
  }
}
