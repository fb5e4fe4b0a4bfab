// `npm start`: the whole product on one machine. An embedded Temporal dev server (unless TEMPORAL_ADDRESS), the
// Flinks simulator (unless FLINKS_BASE_URL), the workers, the HTTP API and the nightly schedule; a demo on the
// first run; a banner and a live table of cards. Ctrl-C stops it all in reverse order.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, type LogLevel as SdkLogLevel, Runtime } from '@temporalio/worker';
import { createConfiguredApiServer } from '../api';
import { FlinksRefreshClient } from '../client';
import { type AppConfig, ConfigError, loadConfig } from '../config';
import { closeDataSink, createDataSink } from '../flinks';
import { lineLogger } from '../logging/line-logger';
import { applySchedule } from '../schedule';
import { startSimulator, type Simulator } from '../simulator';
import { resolveTemporalCli } from '../temporal/binaries';
import { connectClient, connectNative } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWorkers } from '../worker';
import { cardSearchAttributes } from '../workflows/search-attributes';
import { API_TOKEN_FILE, demoApiToken } from './api-token';
import { renderBanner } from './banner';
import { startDemoClock } from './demo-clock';
import { needsDemo, seedDemo } from './demo-seed';
import { startConfiguredCodecServer } from '../codec/configured-server';
import { startEmbeddedDevServer } from './embedded-dev-server';
import { startLiveTable } from './live-table';
import { simulatorSnapshot } from './simulator-snapshot';
import { parseStartArgs, START_USAGE, type StartArgs, StartUsageError } from './start-args';
import { StopStack } from './stop-stack';

export class StartError extends Error {
  override readonly name = 'StartError';
}

/** A Ctrl-C this long after the first one forces the exit. */
const FORCE_AFTER_MS = 1_500;

const SDK_LEVELS: Record<AppConfig['logLevel'], SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** Demo-friendly values for variables the user did not set: quick polls, a quick Ctrl-C, data under --data-dir. */
function demoDefaults(args: StartArgs): Record<string, string> {
  return {
    FLINKS_POLL_INTERVAL: '1s',
    WORKER_SHUTDOWN_GRACE: '5s',
    DATA_SINK_DIR: join(args.dataDir, 'sink'),
  };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const say = (text: string): void => void process.stdout.write(`${text}\n`);
  let args: StartArgs;
  try {
    args = parseStartArgs(argv);
  } catch (error) {
    if (!(error instanceof StartUsageError)) throw error;
    process.stderr.write(`npm start: ${error.message}\n\n${START_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    say(START_USAGE);
    return 0;
  }
  const external = {
    temporal: Boolean(env.TEMPORAL_ADDRESS?.trim()),
    flinks: Boolean(env.FLINKS_BASE_URL?.trim()),
  };
  if (args.demoClockMs !== null && external.flinks) {
    process.stderr.write(
      'npm start: --demo-clock drives the Flinks simulator; unset FLINKS_BASE_URL to use it\n',
    );
    return 2;
  }
  // The simulator accepts whatever secret the worker is given: one per run unless the user chose one.
  const flinksSecret = env.FLINKS_SECRET_KEY?.trim() || randomBytes(24).toString('base64url');
  const configFor = (overrides: Record<string, string>): AppConfig =>
    loadConfig({ ...demoDefaults(args), ...env, FLINKS_SECRET_KEY: flinksSecret, ...overrides });
  try {
    // Checked before anything starts; the simulator's URL is only known once it listens.
    configFor(external.flinks ? {} : { FLINKS_BASE_URL: 'http://127.0.0.1:1/' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }

  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  const logFile = args.verbose ? null : join(args.dataDir, 'npm-start.log');
  const logStream = logFile === null ? null : createWriteStream(logFile, { flags: 'w', mode: 0o600 });
  const writeLog = (line: string): void => void (logStream ?? process.stderr).write(line);
  const level = configFor(external.flinks ? {} : { FLINKS_BASE_URL: 'http://127.0.0.1:1/' }).logLevel;
  const log = lineLogger(writeLog, level);
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVELS[level], (entry) =>
      writeLog(
        `${new Date().toISOString()} ${entry.level} ${entry.message}${entry.meta ? ` ${JSON.stringify(entry.meta)}` : ''}\n`,
      ),
    ),
    // We stop the workers ourselves, in order, after the API.
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: SDK_LEVELS[level], other: SDK_LEVELS[level] }, forward: {} },
    },
  });

  const stack = new StopStack();
  let failure: string | null = null;
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  let stopping = false;
  let forceKill: () => void = () => undefined;
  const fail = (message: string): void => {
    failure ??= message;
    requestStop();
  };
  let firstSignalAt = 0;
  const onSignal = (): void => {
    if (stopping) {
      // npm relays the terminal's Ctrl-C a moment after the terminal sent it: only a later one means "force".
      if (Date.now() - firstSignalAt < FORCE_AFTER_MS) return;
      // A second Ctrl-C: no more waiting, but still no server left behind.
      forceKill();
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    process.stdout.write('\nStopping… (Ctrl-C again to force)\n');
    requestStop();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const checkpoint = (): void => {
    if (stopping || failure !== null) throw new StartError(failure ?? 'stopped before the start finished');
  };

  try {
    // ---------- Temporal ----------
    let address = env.TEMPORAL_ADDRESS?.trim() ?? '';
    let uiUrl: string | null = null;
    let dbPath: string | null = null;
    if (!external.temporal) {
      const cli = await resolveTemporalCli({ log: (line) => say(`[temporal] ${line}`) });
      if (cli.executable.type !== 'existing-path') {
        throw new StartError(
          'no Temporal CLI: install `temporal` (or Go, to build it), set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS',
        );
      }
      checkpoint();
      const temporalConfig = configFor({ FLINKS_BASE_URL: 'http://127.0.0.1:1/' });
      const namespace = temporalConfig.temporal.namespace;
      // With encryption on, the Web UI shows payloads through our codec server.
      const codec = await startConfiguredCodecServer(temporalConfig, (line) =>
        writeLog(`[codec-server] ${line}\n`),
      );
      if (codec) {
        stack.push('codec server', () => codec.close());
        say(`Codec server for the Web UI on ${codec.url}`);
      }
      const server = await startEmbeddedDevServer({
        uiCodecEndpoint: codec?.url,
        cli: cli.executable.path,
        dataDir: args.dataDir,
        port: args.temporalPort,
        uiPort: args.uiPort,
        namespace,
        searchAttributes: cardSearchAttributes,
        onOutput: (line) => writeLog(`[dev-server] ${line}\n`),
        onUnexpectedExit: (code, signal) =>
          fail(`the Temporal dev server exited (${signal ?? `code ${code}`})`),
      });
      forceKill = () => {
        try {
          process.kill(server.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      stack.push('Temporal dev server', () => server.stop());
      ({ address, uiUrl, dbPath } = server);
      say(`Temporal dev server on ${address}, Web UI on ${uiUrl} (${cli.description})`);
    }
    checkpoint();

    // ---------- Flinks simulator ----------
    let sim: Simulator | null = null;
    if (!external.flinks) {
      sim = await listenSimulator(args.simulatorPort, flinksSecret, env);
      const snapshot = simulatorSnapshot(sim, args.dataDir);
      const restored = await snapshot.restore();
      const running = sim;
      stack.push('Flinks simulator', async () => {
        await snapshot.save();
        await running.close();
      });
      const saver = setInterval(
        () => void snapshot.save().catch((e: unknown) => log.warn('snapshot', { error: String(e) })),
        5_000,
      );
      stack.push('simulator snapshots', () => clearInterval(saver));
      say(
        `Flinks simulator on ${sim.baseUrl}${restored > 0 ? ` (${restored} cards from the last run)` : ''}`,
      );
    }
    const config = configFor({
      TEMPORAL_ADDRESS: address || 'localhost:7233',
      ...(sim ? { FLINKS_BASE_URL: sim.baseUrl } : {}),
    });
    const { taskQueue, namespace } = config.temporal;
    const flinksTaskQueue = config.flinks.taskQueue;

    // ---------- connections, search attributes ----------
    const client = await connectClient(config.temporal);
    stack.push('Temporal client', () => client.connection.close());
    const added = await ensureSearchAttributes(client.connection, namespace, cardSearchAttributes);
    if (added.length > 0) log.info('search attributes registered', { names: added.join(',') });
    const native = await connectNative(config.temporal);
    stack.push('worker connection', () => native.close());
    checkpoint();

    // ---------- workers ----------
    say('Starting the workers (bundling the workflows takes a few seconds)…');
    const workers = await createWorkers(config, native);
    const running = workers.run().catch((error: unknown) => {
      log.error('worker failed', { error: error instanceof Error ? error.message : String(error) });
      // While stopping, the log has it; otherwise a dead worker stops the whole product.
      if (!stopping) fail(`a worker failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    stack.push('workers', async () => {
      workers.shutdown();
      await running;
      await workers.close();
    });
    checkpoint();

    // ---------- HTTP API ----------
    const cards = new FlinksRefreshClient({ client, taskQueue, flinksTaskQueue });
    const token = config.api.token
      ? { token: config.api.token, source: 'env' as const }
      : await demoApiToken(args.dataDir);
    const sink = createDataSink({ ...config.dataSink, ...config.backend });
    const api = createConfiguredApiServer(config, { cards, sink, token: token.token, log });
    const { url: apiUrl } = await api.listen(config.api.port, config.api.host);
    stack.push('HTTP API', async () => {
      await api.close(2_000);
      await closeDataSink(sink);
    });

    // ---------- schedule ----------
    const schedule = await applySchedule(client, {
      taskQueue,
      flinksTaskQueue,
      time: config.routine.scheduleTime,
    });
    checkpoint();

    say(
      renderBanner({
        temporal: {
          address: config.temporal.address,
          namespace,
          embedded: !external.temporal,
          uiUrl,
          dbPath,
        },
        api: {
          url: apiUrl,
          token: token.token,
          tokenSource: token.source,
          tokenFile: join(args.dataDir, API_TOKEN_FILE),
        },
        flinks: {
          simulatorUrl: sim ? sim.adminUrl.replace(/\/admin$/, '') : null,
          baseUrl: config.flinks.baseUrl,
        },
        schedule: `daily at ${config.routine.scheduleTime} UTC (schedule ${schedule.scheduleId}${schedule.paused ? ', paused' : ''})`,
        demoClockMs: args.demoClockMs,
        logFile,
      }),
    );

    // ---------- the live table, the demo ----------
    let footer: string | undefined;
    const table = startLiveTable({
      cards,
      write: (text) => void process.stdout.write(text),
      redraw: process.stdout.isTTY === true && !args.verbose,
      scenarios: sim ? scenariosOf(sim) : undefined,
      footer: () => footer,
    });
    stack.push('card table', () => table.stop());
    await table.refresh();

    if (sim) {
      const demoSim = sim;
      // In the background, and never fatal: the product runs whether or not the demo could be seeded.
      void (async () => {
        if (!(await needsDemo(cards))) return;
        footer =
          'Demo: connecting one card per simulator scenario, running tonight’s Flinks job and one routine…';
        const ids = await seedDemo({ cards, client, sim: demoSim, taskQueue, flinksTaskQueue, log });
        footer = `Demo: ${ids.length} cards seeded. Each refreshes on its own from now on.`;
      })().catch((error: unknown) => {
        if (stopping) return;
        log.error('demo seeding failed', { error: error instanceof Error ? error.message : String(error) });
        footer = `Demo seeding failed: ${error instanceof Error ? error.message : String(error)}`;
      });
    }
    if (sim && args.demoClockMs !== null) {
      const clock = startDemoClock({
        client,
        sim,
        taskQueue,
        flinksTaskQueue,
        everyMs: args.demoClockMs,
        log,
        onNight: (night, at) => {
          footer = `Demo clock: night ${night} at ${at.toISOString().slice(11, 19)} UTC; the next in ${Math.round((args.demoClockMs ?? 0) / 1000)} s.`;
        },
      });
      stack.push('demo clock', () => clock.stop());
    }

    await stopRequested;
  } catch (error) {
    if (!(error instanceof StartError && stopping)) {
      failure ??= error instanceof Error ? error.message : String(error);
      log.error('npm start failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  if (!stopping) process.stdout.write('\nStopping…\n');
  stopping = true;
  firstSignalAt ||= Date.now();
  await stack.unwind((name, error) =>
    process.stdout.write(error === undefined ? `${name} ✓  ` : `${name} ✗ (${String(error)})  `),
  );
  say('\nStopped.');
  if (failure !== null) process.stderr.write(`npm start: ${failure}\n`);
  await new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve()));
  return failure === null ? 0 : 1;
}

/** The simulator on the asked port, or any free one if that is taken (nothing refers to its port). */
async function listenSimulator(port: number, secretKey: string, env: NodeJS.ProcessEnv): Promise<Simulator> {
  const options = {
    secretKey,
    apiKey: env.FLINKS_API_KEY?.trim() || undefined,
    webhooks: env.FLINKS_WEBHOOKS === 'true',
  };
  try {
    return await startSimulator({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSimulator({ ...options, port: 0 });
  }
}

function scenariosOf(sim: Simulator): () => Promise<ReadonlyMap<string, string>> {
  return async () => new Map((await sim.admin.listCards()).map((card) => [card.loginId, card.scenario]));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
