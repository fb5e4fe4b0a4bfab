// `npm run cluster`: the product's production shape on one machine, every part its own process over TCP:
// PostgreSQL, the Temporal services, the Web UI, two or more workers (`npm run worker`), the HTTP API (`npm run
// api`), and the Flinks simulator with the demo cards (in this process, with the live table). The same banner and
// table as `npm start`; Ctrl-C stops the API, the workers, Temporal, then PostgreSQL. The data folder persists,
// so the next run finds the same cards.
import { createWriteStream, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { FlinksRefreshClient } from '../../src/client';
import { startConfiguredCodecServer } from '../../src/codec/configured-server';
import { ConfigError } from '../../src/config';
import { lineLogger } from '../../src/logging/line-logger';
import { applySchedule } from '../../src/schedule';
import { type Simulator } from '../../src/simulator';
import { API_TOKEN_FILE, demoApiToken } from '../../src/start/api-token';
import { productBanner, renderBanner } from '../../src/start/banner';
import { demoConfig, NOT_YET_LISTENING } from '../../src/start/demo-config';
import { startDemoShow } from '../../src/start/demo-show';
import { startDemoSimulator } from '../../src/start/demo-simulator';
import { StartError, startLifecycle } from '../../src/start/lifecycle';
import { StartUsageError } from '../../src/start/start-args';
import { resolveClusterTools } from '../../src/temporal/binaries';
import { connectClient } from '../../src/temporal/connection';
import { findFreePort } from '../../src/temporal/exec';
import { projectRoot } from '../../src/temporal/paths';
import { type Cluster, startCluster, TEMPORAL_SERVICES } from './cluster';
import { CLUSTER_USAGE, type ClusterArgs, parseClusterArgs } from './cluster-args';
import { killAllManagedProcesses } from './managed-process';
import { isFree } from './ports';
import { type ProductProcess, startApiProcess, startWorkerProcesses } from './product-processes';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  let args: ClusterArgs;
  try {
    args = parseClusterArgs(argv);
  } catch (error) {
    if (!(error instanceof StartUsageError)) throw error;
    process.stderr.write(`npm run cluster: ${error.message}\n\n${CLUSTER_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    say(CLUSTER_USAGE);
    return 0;
  }
  if (env.TEMPORAL_ADDRESS?.trim()) {
    process.stderr.write(
      'npm run cluster starts a Temporal cluster of its own: unset TEMPORAL_ADDRESS (`npm start` uses a server you name)\n',
    );
    return 2;
  }
  const externalFlinks = Boolean(env.FLINKS_BASE_URL?.trim());
  if (args.demoClockMs !== null && externalFlinks) {
    process.stderr.write(
      'npm run cluster: --demo-clock drives the Flinks simulator; unset FLINKS_BASE_URL to use it\n',
    );
    return 2;
  }
  const { flinksSecret, defaults, configFor } = demoConfig(args, env);
  let level;
  try {
    level = configFor(externalFlinks ? {} : { FLINKS_BASE_URL: NOT_YET_LISTENING }).logLevel;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }

  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  const logFile = args.verbose ? null : join(args.dataDir, 'npm-cluster.log');
  const logStream = logFile === null ? null : createWriteStream(logFile, { flags: 'w', mode: 0o600 });
  const log = lineLogger((line) => void (logStream ?? process.stderr).write(line), level);
  const life = startLifecycle();
  const { stack } = life;
  // A second Ctrl-C exits at once: still, no process of ours is left running.
  life.onForce(killAllManagedProcesses);
  const here = (path: string) => {
    const short = relative(process.cwd(), path);
    return short.startsWith('..') || isAbsolute(short) ? path : short || '.';
  };

  try {
    // ---------- the Go programs, the ports we were asked for ----------
    const tools = await resolveClusterTools({ log: (line) => say(`[tools] ${line}`) });
    if (!tools.available) {
      throw new StartError(`the Temporal cluster needs its Go programs: ${tools.description}`);
    }
    for (const [port, what, flag] of [
      [args.temporalPort, 'the Temporal frontend', '--temporal-port'],
      [args.uiPort, 'the Temporal Web UI', '--ui-port'],
    ] as const) {
      if (port !== 0 && !(await isFree(port))) {
        throw new StartError(
          `port ${port} for ${what} is in use (npm start? another cluster?): stop it, or pick another with ${flag}`,
        );
      }
    }
    life.checkpoint();

    // ---------- PostgreSQL, Temporal, the Web UI ----------
    const baseConfig = configFor({ FLINKS_BASE_URL: NOT_YET_LISTENING });
    const codec = await startConfiguredCodecServer(baseConfig, (line) => log.info(`[codec-server] ${line}`));
    if (codec) {
      stack.push('codec server', () => codec.close());
      say(`Codec server for the Web UI on ${codec.url}`);
    }
    say(
      `Starting PostgreSQL and ${args.mode === 'services' ? `the Temporal services (${TEMPORAL_SERVICES.join(', ')})` : 'the Temporal server'}…`,
    );
    const running: Cluster = await startCluster({
      mode: args.mode,
      dataDir: args.dataDir,
      namespace: baseConfig.temporal.namespace,
      ports: { frontendGrpc: args.temporalPort, ui: args.uiPort },
      ui: { codecEndpoint: codec?.url },
      tools: tools.tools,
      log: (line) => say(`[cluster] ${line}`),
      onUnexpectedExit: (part, code, signal) => life.fail(`${part} exited (${signal ?? `code ${code}`})`),
    });
    // (A cluster that failed half-way has stopped what it started.) Temporal stops before PostgreSQL.
    stack.push('PostgreSQL', () => running.stop());
    stack.push('Temporal', () => running.stopTemporal());
    life.checkpoint();

    // ---------- Flinks simulator ----------
    let sim: Simulator | null = null;
    if (!externalFlinks) {
      const started = await startDemoSimulator({
        port: args.simulatorPort,
        secretKey: flinksSecret,
        env,
        dataDir: args.dataDir,
        stack,
        log,
      });
      sim = started.sim;
      say(
        `Flinks simulator on ${sim.baseUrl}${started.restored > 0 ? ` (${started.restored} cards from the last run)` : ''}`,
      );
    }
    const overrides = {
      TEMPORAL_ADDRESS: running.address,
      ...(sim ? { FLINKS_BASE_URL: sim.baseUrl } : {}),
    };
    const config = configFor(overrides);
    const { taskQueue, namespace } = config.temporal;
    const flinksTaskQueue = config.flinks.taskQueue;
    const client = await connectClient(config.temporal);
    stack.push('Temporal client', () => client.connection.close());
    life.checkpoint();

    // ---------- the workers and the HTTP API, each its own process ----------
    const token = config.api.token
      ? { token: config.api.token, source: 'env' as const }
      : await demoApiToken(args.dataDir);
    const apiPort = config.api.port === 0 ? await findFreePort() : config.api.port;
    // What `npm start` would configure, for processes of their own: the environment wins over the demo defaults.
    const childEnv: NodeJS.ProcessEnv = {
      ...defaults,
      ...env,
      ...overrides,
      FLINKS_SECRET_KEY: flinksSecret,
      API_TOKEN: token.token,
      API_PORT: String(apiPort),
    };
    const common = {
      root: projectRoot(),
      env: childEnv,
      logDir: join(args.dataDir, 'logs'),
      runDir: join(args.dataDir, 'run'),
      onUnexpectedExit: (name: string, code: number | null, signal: NodeJS.Signals | null) =>
        life.fail(`${name} exited (${signal ?? `code ${code}`}); see ${here(join(args.dataDir, 'logs'))}`),
    };
    say(`Starting ${args.workers} worker processes (each bundles the workflows: a few seconds)…`);
    const workers = await startWorkerProcesses({
      ...common,
      count: args.workers,
      client,
      namespace,
      flinksTaskQueue,
    });
    stack.push('workers', () => Promise.all(workers.map((w) => w.stop())).then(() => undefined));
    life.checkpoint();
    const api = await startApiProcess({ ...common, port: apiPort });
    stack.push('HTTP API', () => api.stop());
    life.checkpoint();

    // ---------- schedule ----------
    const schedule = await applySchedule(client, {
      taskQueue,
      flinksTaskQueue,
      time: config.routine.scheduleTime,
    });
    life.checkpoint();

    const pid = (part: ProductProcess | { pid: number | undefined }) => `pid ${part.pid}`;
    say(
      renderBanner({
        temporal: {
          address: running.address,
          namespace,
          embedded: false,
          uiUrl: running.uiUrl,
          dbPath: null,
          note: `a cluster on PostgreSQL, data in ${here(args.dataDir)}`,
        },
        processes: [
          `PostgreSQL 15       127.0.0.1:${running.pg.port}, ${pid(running.pg)}`,
          ...(args.mode === 'services' ? TEMPORAL_SERVICES : (['server'] as const)).map(
            (name) =>
              `Temporal ${name.padEnd(10)} ${pid(running.service(name))}${name === 'frontend' || name === 'server' ? `, ${running.address}` : ''}`,
          ),
          `Temporal Web UI     ${running.uiUrl}, ${pid({ pid: running.uiPid })}`,
          ...workers.map((w, i) => `worker ${String(i + 1).padEnd(12)} ${pid(w)}`),
          `HTTP API            ${api.url}, ${pid(api)}`,
          `logs                ${here(join(args.dataDir, 'logs'))}/`,
        ],
        ...productBanner({
          apiUrl: api.url,
          token,
          tokenFile: join(args.dataDir, API_TOKEN_FILE),
          sim,
          flinksBaseUrl: config.flinks.baseUrl,
          scheduleTime: config.routine.scheduleTime,
          schedule,
          demoClockMs: args.demoClockMs,
          logFile,
        }),
      }),
    );

    // ---------- the live table, the demo ----------
    await startDemoShow({
      cards: new FlinksRefreshClient({ client, taskQueue, flinksTaskQueue }),
      client,
      sim,
      taskQueue,
      flinksTaskQueue,
      verbose: args.verbose,
      demoClockMs: args.demoClockMs,
      stack,
      log,
      isStopping: () => life.stopping,
    });

    await life.stopRequested;
  } catch (error) {
    if (life.failed(error)) {
      log.error('npm run cluster failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  const failure = await life.finish();
  if (failure !== null) process.stderr.write(`npm run cluster: ${failure}\n`);
  await new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve()));
  return failure === null ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `npm run cluster failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      killAllManagedProcesses();
      process.exit(1);
    },
  );
}
