// A mixed fleet on the dev server: the product's workers with TEMPORAL_ENCRYPTION_KEYS, and a client started without
// them (as a replica missing its keys would be), which writes plaintext payloads.
// - TEMPORAL_ENCRYPTION_REQUIRED unset: the keyed workers read that plaintext silently, and the card runs with its
//   input in the clear in history (the documented default, so histories from before encryption replay).
// - TEMPORAL_ENCRYPTION_REQUIRED=true: the keyed workers refuse it. The workflow task fails with PlaintextPayloadError
//   naming the setting, Temporal retries it, and nothing runs on, or writes more, unencrypted data; workers with the
//   setting off then read it (about 10 s later here: the task's retry backoff).
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { FlinksRefreshClient } from '../../src/client';
import { EncryptionCodec } from '../../src/codec/encryption-codec';
import { failureConverter } from '../../src/codec/failure-converter';
import { type AppConfig, loadConfig } from '../../src/config';
import { startSimulator, type Simulator } from '../../src/simulator';
import { createWorkers, type FlinksRefreshWorkers } from '../../src/worker';
import { CARD_WORKFLOW_TYPE, cardWorkflowId } from '../../src/workflows/definitions';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import { keysVariable } from './keys';

const SECRET = 'mixed-fleet-secret-do-not-log';
const KEYS = keysVariable('key-2026-11');

interface Fleet {
  config: AppConfig;
  workers: FlinksRefreshWorkers;
  running: Promise<void>;
  /** The product's client, with the keys and the fleet's setting. */
  cards: FlinksRefreshClient;
}

let env: TestWorkflowEnvironment;
let sim: Simulator;
let bundle: WorkflowBundleWithSourceMap;
let lenient: Fleet;
let strict: Fleet;
const started: string[] = [];

async function startFleet(
  required: boolean,
  taskQueue = uniqueTaskQueue(required ? 'strict' : 'lenient'),
): Promise<Fleet> {
  const config = loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLINKS_TASK_QUEUE: `${taskQueue}-flinks`,
    FLINKS_BASE_URL: sim.baseUrl,
    FLINKS_SECRET_KEY: SECRET,
    FLINKS_MAX_RPS: '100',
    FLINKS_POLL_INTERVAL: '20ms',
    WORKER_SHUTDOWN_GRACE: '1s',
    TEMPORAL_ENCRYPTION_KEYS: KEYS,
    TEMPORAL_ENCRYPTION_REQUIRED: String(required),
  });
  const workers = await createWorkers(config, env.nativeConnection, { workflowBundle: bundle });
  return { config, workers, running: workers.run(), cards: await FlinksRefreshClient.fromConfig(config) };
}

async function stopFleet(fleet: Fleet | undefined): Promise<void> {
  if (!fleet) return;
  await fleet.cards.close();
  fleet.workers.shutdown();
  await fleet.running.catch(() => undefined);
  await fleet.workers.close();
}

beforeAll(async () => {
  env = await connectToDevServer();
  sim = await startSimulator({ secretKey: SECRET, pollsBeforeReady: 0 });
  // One bundle for both fleets, with the failure converter the keyed data converter names (as the workers' own
  // bundling would include it).
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    failureConverterPath: require.resolve('../../src/codec/failure-converter'),
    logger: new DefaultLogger('WARN'),
  });
  [lenient, strict] = await Promise.all([startFleet(false), startFleet(true)]);
});

afterAll(async () => {
  // Cards stuck on a refused payload would otherwise wait on the shared dev server for good.
  for (const workflowId of started) {
    await env.client.workflow
      .getHandle(workflowId)
      .terminate('mixed-fleet test done')
      .catch(() => undefined);
  }
  await Promise.all([stopFleet(lenient), stopFleet(strict)]);
  await sim?.close();
  await env?.teardown();
});

/** What a client without TEMPORAL_ENCRYPTION_KEYS does: start a card with plaintext input. */
async function startWithoutKeys(fleet: Fleet, loginId: string): Promise<string> {
  const workflowId = cardWorkflowId(loginId);
  started.push(workflowId);
  await env.client.workflow.start(CARD_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: fleet.config.temporal.taskQueue,
    args: [{ loginId }],
  });
  return workflowId;
}

/** The first workflow task failure's message, decoded with the keys (the failure converter encrypts it). */
async function firstWorkflowTaskFailure(workflowId: string): Promise<string | undefined> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const failure = history.events?.find((e) => e.workflowTaskFailedEventAttributes)
    ?.workflowTaskFailedEventAttributes?.failure;
  if (!failure) return undefined;
  const codec = new EncryptionCodec(strict.config.temporal.encryptionKeys!);
  const [attributes] = failure.encodedAttributes
    ? await codec.decode([failure.encodedAttributes as Payload])
    : [undefined];
  return failureConverter.failureToError(
    { ...failure, encodedAttributes: attributes },
    defaultPayloadConverter,
  ).message;
}

function startInputEncoding(history: Awaited<ReturnType<typeof fetchHistory>>): string | undefined {
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return input?.metadata?.encoding ? Buffer.from(input.metadata.encoding).toString() : undefined;
}

function fetchHistory(workflowId: string) {
  return env.client.workflow.getHandle(workflowId).fetchHistory();
}

test('setting off (the default): a keyed worker reads the keyless client plaintext silently, and the card runs', async () => {
  const { loginId } = await sim.admin.createCard({ scenario: 'healthy' });
  const workflowId = await startWithoutKeys(lenient, loginId);
  expect((await lenient.cards.refreshNow(loginId)).outcome).toBe('refreshed');
  expect((await lenient.cards.getCard(loginId)).status).toBe('scheduled');
  // Its input stays in the clear in history; what the keyed workers wrote is encrypted, so the keyless client
  // cannot read the card's answers.
  expect(startInputEncoding(await fetchHistory(workflowId))).toBe('json/plain');
  await expect(env.client.workflow.getHandle(workflowId).query('state')).rejects.toThrow(/binary\/encrypted/);
});

test('setting on: the keyed worker refuses the plaintext with PlaintextPayloadError, and the card does nothing', async () => {
  const { loginId } = await sim.admin.createCard({ scenario: 'healthy' });
  const workflowId = await startWithoutKeys(strict, loginId);
  const message = await waitFor(() => firstWorkflowTaskFailure(workflowId), { timeoutMs: 20_000 });
  expect(message).toMatch(
    /^Refused a plaintext payload \(encoding 'json\/plain'\): TEMPORAL_ENCRYPTION_REQUIRED is true/,
  );
  expect(message).not.toContain(loginId);
  // Nothing ran on it: no call to Flinks for that card.
  expect((await sim.admin.counters()).byCard[loginId]).toBeUndefined();
});

test('setting on: a keyless client signal to a running card is refused, until the setting is turned off', async () => {
  const { loginId } = await sim.admin.createCard({ scenario: 'healthy' });
  await strict.cards.connect(loginId);
  started.push(cardWorkflowId(loginId));
  expect((await strict.cards.refreshNow(loginId)).outcome).toBe('refreshed');
  // A replica without keys sends a signal: plaintext in the card's history, which the strict worker will not read.
  await env.client.workflow
    .getHandle(cardWorkflowId(loginId))
    .signal('setScheduledRefresh', { enabled: false });
  const message = await waitFor(() => firstWorkflowTaskFailure(cardWorkflowId(loginId)), {
    timeoutMs: 20_000,
  });
  expect(message).toMatch(/^Refused a plaintext payload \(encoding 'json\/plain'\)/);
  expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(true);

  // Recovery: the same queue served with the setting off reads the signal, and the card carries it out.
  const queue = strict.config.temporal.taskQueue;
  await stopFleet(strict);
  strict = await startFleet(false, queue);
  await waitFor(async () => ((await sim.admin.getCard(loginId)).scheduledRefresh ? undefined : true), {
    timeoutMs: 60_000,
  });
});
