// `npm start`: the whole product on one machine. An embedded Temporal dev server (unless TEMPORAL_ADDRESS), the
// Flinks simulator (unless FLINKS_BASE_URL), the workers, the HTTP API and the nightly schedule; a demo on the
// first run; a banner and a live table of cards. Ctrl-C stops it all in reverse order.
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, type LogLevel as SdkLogLevel, Runtime } from '@temporalio/worker';
import { createConfiguredApiServer } from '../api';
import { FlinksRefreshClient } from '../client';
import { type AppConfig, ConfigError } from '../config';
import { closeDataSink, createDataSink } from '../flinks';
import { lineLogger } from '../logging/line-logger';
import { applySchedule } from '../schedule';
import { type Simulator } from '../simulator';
import { resolveTemporalCli } from '../temporal/binaries';
import { connectClient, connectNative } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWorkers } from '../worker';
import { cardSearchAttributes } from '../workflows/search-attributes';
import { API_TOKEN_FILE, demoApiToken } from './api-token';
import { productBanner, renderBanner } from './banner';
import { startConfiguredCodecServer } from '../codec/configured-server';
import { demoConfig, NOT_YET_LISTENING } from './demo-config';
import { startDemoShow } from './demo-show';
import { startDemoSimulator } from './demo-simulator';
import { startEmbeddedDevServer } from './embedded-dev-server';
import { StartError, startLifecycle } from './lifecycle';
import { parseStartArgs, START_USAGE, type StartArgs, StartUsageError } from './start-args';

export { StartError } from './lifecycle';

const SDK_LEVELS: Record<AppConfig['logLevel'], SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

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
  const { flinksSecret, configFor } = demoConfig(args, env);
  try {
    // Checked before anything starts; the simulator's URL is only known once it listens.
    configFor(external.flinks ? {} : { FLINKS_BASE_URL: NOT_YET_LISTENING });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }

  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  const logFile = args.verbose ? null : join(args.dataDir, 'npm-start.log');
  const logStream = logFile === null ? null : createWriteStream(logFile, { flags: 'w', mode: 0o600 });
  const writeLog = (line: string): void => void (logStream ?? process.stderr).write(line);
  const level = configFor(external.flinks ? {} : { FLINKS_BASE_URL: NOT_YET_LISTENING }).logLevel;
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

  const life = startLifecycle();
  const { stack } = life;

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
      life.checkpoint();
      const temporalConfig = configFor({ FLINKS_BASE_URL: NOT_YET_LISTENING });
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
          life.fail(`the Temporal dev server exited (${signal ?? `code ${code}`})`),
      });
      life.onForce(() => {
        try {
          process.kill(server.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      });
      stack.push('Temporal dev server', () => server.stop());
      ({ address, uiUrl, dbPath } = server);
      say(`Temporal dev server on ${address}, Web UI on ${uiUrl} (${cli.description})`);
    }
    life.checkpoint();

    // ---------- Flinks simulator ----------
    let sim: Simulator | null = null;
    if (!external.flinks) {
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
    life.checkpoint();

    // ---------- workers ----------
    say('Starting the workers (bundling the workflows takes a few seconds)…');
    const workers = await createWorkers(config, native);
    const running = workers.run().catch((error: unknown) => {
      log.error('worker failed', { error: error instanceof Error ? error.message : String(error) });
      // While stopping, the log has it; otherwise a dead worker stops the whole product.
      if (!life.stopping)
        life.fail(`a worker failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    stack.push('workers', async () => {
      workers.shutdown();
      await running;
      await workers.close();
    });
    life.checkpoint();

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
    life.checkpoint();

    say(
      renderBanner({
        temporal: {
          address: config.temporal.address,
          namespace,
          embedded: !external.temporal,
          uiUrl,
          dbPath,
        },
        ...productBanner({
          apiUrl: apiUrl,
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
      cards,
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
      log.error('npm start failed', {
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  const failure = await life.finish();
  if (failure !== null) process.stderr.write(`npm start: ${failure}\n`);
  await new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve()));
  return failure === null ? 0 : 1;
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
