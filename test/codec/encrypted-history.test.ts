// With TEMPORAL_ENCRYPTION_KEYS set, the product's own client (connectClient) and workers (createWorkers) run cards and
// the nightly routine on the shared dev server; a client WITHOUT the codec then reads the raw histories, as anyone with
// access to the server could: no loginId, institution, Flinks error message, summary or requestId in any payload, no
// failure message in the clear. The same histories decode with the codec.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { FlinksRefreshClient } from '../../src/client';
import { dataConverter } from '../../src/codec/data-converter';
import { type EncryptionCodec } from '../../src/codec/encryption-codec';
import { failureConverter } from '../../src/codec/failure-converter';
import { type AppConfig, loadConfig } from '../../src/config';
import { runRoutineNow } from '../../src/schedule';
import { startSimulator, type Simulator } from '../../src/simulator';
import { createWorkers, type FlinksRefreshWorkers } from '../../src/worker';
import { CARD_WORKFLOW_TYPE, cardWorkflowId } from '../../src/workflows/definitions';
import { connectToDevServer } from '../harness/dev-server';
import { uniqueTaskQueue } from '../harness/task-queue';
import { waitFor } from '../harness/wait-for';
import {
  bytesWithoutSearchAttributes,
  failuresOf,
  occurrences,
  patchMarkerDetails,
  payloadsOf,
} from './history-payloads';
import { keysVariable } from './keys';

const SECRET = 'codec-e2e-secret-do-not-log';
// Unique per run: found in a history, it can only have come from this test.
const INSTITUTION = `Banque Confidentielle ${randomUUID().slice(0, 8)}`;
const FLINKS_MESSAGE = 'The financial institution is currently disabled.';

let env: TestWorkflowEnvironment;
let sim: Simulator;
let backend: { server: Server; url: string; requests: number };
let sinkDir: string;
let config: AppConfig;
let workers: FlinksRefreshWorkers;
let running: Promise<void>;
let cards: FlinksRefreshClient;

beforeAll(async () => {
  env = await connectToDevServer();
  sim = await startSimulator({ secretKey: SECRET, pollsBeforeReady: 0 });
  backend = await startFlakyBackend();
  sinkDir = await mkdtemp(join(tmpdir(), 'codec-sink-'));
  const taskQueue = uniqueTaskQueue('codec');
  config = loadConfig({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLINKS_TASK_QUEUE: `${taskQueue}-flinks`,
    FLINKS_BASE_URL: sim.baseUrl,
    FLINKS_SECRET_KEY: SECRET,
    FLINKS_MAX_RPS: '100',
    FLINKS_POLL_INTERVAL: '20ms',
    BACKEND_NOTIFY_URL: backend.url,
    DATA_SINK_DIR: sinkDir,
    WORKER_SHUTDOWN_GRACE: '1s',
    TEMPORAL_ENCRYPTION_KEYS: keysVariable('key-2026-11', 'key-2025-01'),
    // Strict: any payload of a real card or routine that reached a decode in plaintext would fail this test's tasks.
    TEMPORAL_ENCRYPTION_REQUIRED: 'true',
  });
  // No workflowBundle: the workers bundle the workflows themselves, as in production, failure converter included.
  workers = await createWorkers(config, env.nativeConnection);
  running = workers.run();
  cards = await FlinksRefreshClient.fromConfig(config);
});

afterAll(async () => {
  // Workers first: a client closed under a call still retrying throws 'Channel has been shut down' from a timer.
  workers?.shutdown();
  await running?.catch(() => undefined);
  await workers?.close();
  await cards?.close();
  await sim?.close();
  await new Promise<void>((resolve) => (backend ? backend.server.close(() => resolve()) : resolve()));
  await env?.teardown();
  if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
});

test('raw histories hold no plaintext card data, and decode with the codec', async () => {
  const healthy = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
  const broken = (await sim.admin.createCard({ scenario: 'disabled-institution' })).loginId;
  const mfa = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
  const loginIds = [healthy, broken, mfa];
  for (const loginId of loginIds) await cards.connect(loginId, { institution: INSTITUTION });

  expect((await cards.refreshNow(healthy)).outcome).toBe('refreshed');
  expect(await cards.refreshNow(broken)).toMatchObject({
    outcome: 'failed',
    errorCode: 'DISABLED_INSTITUTION',
  });
  const prompt = await cards.refreshNow(mfa);
  expect(prompt.outcome).toBe('mfa-required');
  const { requestId } = await sim.admin.completeUserReconnect(mfa, prompt.requestId);
  await cards.reconnected(mfa, requestId);
  await waitFor(async () => ((await cards.getCard(mfa)).status === 'scheduled' ? true : undefined));

  // The routine's own client (inside the workers) lists the cards and signals each one.
  const routine = await runRoutineNow(cards.temporal, {
    taskQueue: config.temporal.taskQueue,
    flinksTaskQueue: config.flinks.taskQueue,
    routineId: `codec-${randomUUID()}`,
  });
  expect(await routine.handle.result()).toMatchObject({ cards: 3, signalled: 3 });

  // The backend refused the first notification: its retried activity records that failure in history.
  await waitFor(async () => (backend.requests >= 2 ? true : undefined), { timeoutMs: 20_000 });

  // A card whose input the workflow refuses fails in the workflow sandbox: its failure is encrypted there too.
  const refused = await cards.temporal.workflow.start(CARD_WORKFLOW_TYPE, {
    workflowId: `codec-refused-${randomUUID()}`,
    taskQueue: config.temporal.taskQueue,
    args: [{ loginId: `not-a-uuid-${INSTITUTION}` }],
  });
  await expect(refused.result()).rejects.toThrow();

  for (const loginId of loginIds) await cards.disconnect(loginId, { deleteData: true });
  for (const loginId of loginIds) await cards.temporal.workflow.getHandle(cardWorkflowId(loginId)).result();

  // ---------- what the server holds ----------
  const raw = env.client; // no codec
  const histories = await Promise.all(
    [...loginIds.map(cardWorkflowId), routine.workflowId, refused.workflowId].map(async (id) => ({
      id,
      history: await raw.workflow.getHandle(id).fetchHistory(),
    })),
  );
  const secrets = [...loginIds, INSTITUTION, FLINKS_MESSAGE, 'Flinks login', requestId, SECRET];
  const codec = dataConverter(config.temporal).payloadCodecs?.[0] as EncryptionCodec;
  let payloadCount = 0;
  let failureCount = 0;

  for (const { id, history } of histories) {
    const payloads = payloadsOf(history);
    payloadCount += payloads.length;
    for (const payload of payloads) {
      expect({ id, metadata: metadataOf(payload) }).toEqual({
        id,
        metadata: {
          encoding: 'binary/encrypted',
          'encryption-key-id': 'key-2026-11',
          'encryption-format': '2',
        },
      });
    }
    // Patch markers are the SDK's own plain JSON: a patch ID and whether it is deprecated, nothing of the card.
    for (const details of patchMarkerDetails(history)) {
      expect(details).toEqual({ id: expect.any(String), deprecated: expect.any(Boolean) });
    }
    for (const failure of failuresOf(history)) {
      failureCount += 1;
      expect({ id, message: failure.message, stackTrace: failure.stackTrace }).toEqual({
        id,
        message: 'Encoded failure',
        stackTrace: '',
      });
    }
    // Outside the search attributes, a loginId may appear only inside its card's workflow id.
    const bytes = bytesWithoutSearchAttributes(history);
    for (const secret of secrets) {
      const allowed = loginIds.includes(secret) ? occurrences(bytes, cardWorkflowId(secret)) : 0;
      expect({ id, secret, found: occurrences(bytes, secret) }).toEqual({ id, secret, found: allowed });
    }
  }
  expect(payloadCount).toBeGreaterThan(50);
  expect(failureCount).toBeGreaterThanOrEqual(2);
  // The strict codec read every one of those runs: none needed a plaintext payload.
  for (const { id, history } of histories) {
    expect({ id, workflowTaskFailures: workflowTaskFailuresOf(history) }).toEqual({
      id,
      workflowTaskFailures: 0,
    });
  }

  // ---------- and what the codec reads back ----------
  const events = (id: string) => histories.find((h) => h.id === id)?.history.events ?? [];
  const decoded = async (payloads: Payload[] | null | undefined) =>
    (await codec.decode(payloads ?? [])).map((p) => defaultPayloadConverter.fromPayload(p));

  const started = events(cardWorkflowId(mfa))[0]?.workflowExecutionStartedEventAttributes;
  expect(await decoded(started?.input?.payloads)).toEqual([
    { loginId: mfa, institution: INSTITUTION, flinksTaskQueue: config.flinks.taskQueue },
  ]);
  expect(await decoded([events(cardWorkflowId(mfa))[0]?.userMetadata?.summary as Payload])).toEqual([
    `Flinks login ${mfa} at ${INSTITUTION}`,
  ]);
  const signals = events(cardWorkflowId(mfa)).flatMap((e) => {
    const signal = e.workflowExecutionSignaledEventAttributes;
    return signal ? [{ name: signal.signalName, input: signal.input?.payloads }] : [];
  });
  const reconnected = signals.find((s) => s.name === 'reconnected');
  expect(await decoded(reconnected?.input)).toEqual([{ requestId }]);
  const nightly = signals.find((s) => s.name === 'nightlyStatus');
  expect(await decoded(nightly?.input)).toEqual([expect.objectContaining({ routineId: routine.routineId })]);

  const failed = events(cardWorkflowId(broken))
    .flatMap((e) => (e.workflowExecutionUpdateCompletedEventAttributes ? [e] : []))
    .map((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads);
  expect(await decoded(failed.flat() as Payload[])).toContainEqual(
    expect.objectContaining({ outcome: 'failed', errorCode: 'DISABLED_INSTITUTION' }),
  );

  const refusal = events(refused.workflowId).find((e) => e.workflowExecutionFailedEventAttributes)
    ?.workflowExecutionFailedEventAttributes?.failure;
  const [attributes] = await codec.decode([refusal?.encodedAttributes as Payload]);
  expect(
    failureConverter.failureToError({ ...refusal, encodedAttributes: attributes }, defaultPayloadConverter),
  ).toMatchObject({ message: expect.stringContaining('Invalid card input') });
});

function workflowTaskFailuresOf(history: {
  events?: { workflowTaskFailedEventAttributes?: unknown }[] | null;
}): number {
  return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
}

function metadataOf(payload: Payload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString()]),
  );
}

/** A backend that refuses its first notification (503) and accepts the rest. */
async function startFlakyBackend(): Promise<{ server: Server; url: string; requests: number }> {
  const state = { requests: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests += 1;
      res.writeHead(state.requests === 1 ? 503 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('backend did not bind');
  return Object.assign(state, { server, url: `http://127.0.0.1:${address.port}/notifications` });
}
