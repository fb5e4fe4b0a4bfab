// How the fleet gate counts on a real server: the listing of pollers (through a proxy that answers chosen calls with
// a gRPC error), the presence poll, and the Flinks worker's identity.
import { hostname } from 'node:os';
import { type TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { flinksFleetOnTemporal, fleetPresenceQueue } from '../../src/temporal/flinks-fleet';
import { activityQueuePollers } from '../../src/temporal/task-queue-pollers';
import { uniqueWorkerIdentity } from '../../src/temporal/worker-identity';
import { connectToDevServer } from '../harness/dev-server';
import {
  type GrpcCall,
  type GrpcFaultProxy,
  startGrpcFaultProxy,
  workflowServicePath,
} from '../harness/grpc-fault-proxy';
import { uniqueTaskQueue } from '../harness/task-queue';

const { DescribeTaskQueueMode } = temporal.api.enums.v1;
const DESCRIBE = workflowServicePath('DescribeTaskQueue');
const status = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
};

let env: TestWorkflowEnvironment;
let proxy: GrpcFaultProxy;
/** Through the proxy. */
let connection: NativeConnection;
let namespace: string;

beforeAll(async () => {
  env = await connectToDevServer();
  namespace = env.namespace ?? 'default';
  proxy = await startGrpcFaultProxy(env.address);
  connection = await NativeConnection.connect({ address: proxy.address });
});

afterEach(() => proxy.setRule(null));

afterAll(async () => {
  await connection?.close();
  await proxy?.close();
  await env?.teardown();
});

const isEnhanced = (call: GrpcCall): boolean =>
  temporal.api.workflowservice.v1.DescribeTaskQueueRequest.decode(call.message).apiMode ===
  DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED;
const describedQueue = (call: GrpcCall): string =>
  temporal.api.workflowservice.v1.DescribeTaskQueueRequest.decode(call.message).taskQueue?.name ?? '';
/** The DescribeTaskQueue calls made since `from`, by mode. */
const describesSince = (from: number) => {
  const describes = proxy.calls.slice(from).filter((call) => call.path === DESCRIBE);
  return {
    enhanced: describes.filter(isEnhanced).length,
    legacy: describes.filter((call) => !isEnhanced(call)).length,
  };
};

/** A queue with one poller, `identity`, polling it straight on the server (not through the proxy). */
async function polledQueue(identity: string): Promise<string> {
  const queue = uniqueTaskQueue('pollers');
  void env.nativeConnection
    .withDeadline(Date.now() + 10_000, () =>
      env.nativeConnection.workflowService.pollActivityTaskQueue({
        namespace,
        taskQueue: { name: queue },
        identity,
      }),
    )
    .catch(() => undefined);
  // Listed once the server has it.
  for (let i = 0; i < 50; i++) {
    const listed = await activityQueuePollers(env.nativeConnection, namespace, [queue], 2_000);
    if (listed.some((p) => p.identity === identity)) return queue;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${identity} never listed on ${queue}`);
}

describe('activityQueuePollers', () => {
  test('lists every poller of the queues with the enhanced call only', async () => {
    const queue = await polledQueue('lister-a');
    const from = proxy.calls.length;
    const listed = await activityQueuePollers(connection, namespace, [queue, `${queue}-none`], 3_000);
    expect(listed.map((p) => p.identity)).toEqual(['lister-a']);
    expect(listed[0]?.lastAccessMs).toBeGreaterThan(Date.now() - 60_000);
    expect(describesSince(from)).toEqual({ enhanced: 2, legacy: 0 });
  });

  test('a transient UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED on the enhanced call fails the listing: no fallback to the legacy call, which undercounts', async () => {
    const transient = ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED'] as const;
    // One queue per status, asked at once: Core retries UNAVAILABLE and RESOURCE_EXHAUSTED for seconds.
    const queues = await Promise.all(transient.map((name) => polledQueue(`lister-${name}`)));
    const faultOf = new Map(queues.map((queue, i) => [queue, transient[i] as (typeof transient)[number]]));
    proxy.setRule((call) => {
      if (call.path !== DESCRIBE || !isEnhanced(call)) return null;
      const name = faultOf.get(describedQueue(call));
      return name ? { code: status[name], message: `injected ${name}` } : null;
    });
    const from = proxy.calls.length;
    const failures = await Promise.all(
      queues.map((queue) =>
        activityQueuePollers(connection, namespace, [queue], 2_000).then(
          (listed) => ({ queue, listed }),
          (error: unknown) => ({ queue, code: (error as { code?: number }).code }),
        ),
      ),
    );
    for (const failure of failures) {
      expect(failure).toMatchObject({ code: expect.any(Number) });
      expect([status.UNIMPLEMENTED, status.INVALID_ARGUMENT]).not.toContain(
        (failure as { code: number }).code,
      );
    }
    const asked = describesSince(from);
    expect(asked.legacy).toBe(0);
    expect(asked.enhanced).toBeGreaterThanOrEqual(transient.length);
  });

  test.each(['UNIMPLEMENTED', 'INVALID_ARGUMENT'] as const)(
    'a server answering %s to the enhanced call is asked the legacy way',
    async (name) => {
      const queue = await polledQueue(`lister-${name}`);
      proxy.setRule((call) =>
        call.path === DESCRIBE && isEnhanced(call)
          ? { code: status[name], message: `injected ${name}` }
          : null,
      );
      const from = proxy.calls.length;
      const listed = await activityQueuePollers(connection, namespace, [queue], 3_000);
      // The legacy call lists the root partition only: the poller is there when its poll landed on it.
      expect(listed.every((p) => p.identity === `lister-${name}`)).toBe(true);
      expect(describesSince(from)).toEqual({ enhanced: 1, legacy: 1 });
    },
  );
});

test('the presence poll lists the process on the presence queue, under its identity, while it waits', async () => {
  const flinksQueue = uniqueTaskQueue('presence');
  const identity = uniqueWorkerIdentity();
  const fleet = flinksFleetOnTemporal(env.nativeConnection, namespace, flinksQueue, identity);
  const startedAt = Date.now();
  const announced = fleet.announce();
  let listed: string[] = [];
  for (let i = 0; i < 50 && !listed.includes(identity); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    listed = (await fleet.listPollers()).map((p) => p.identity);
  }
  expect(listed).toEqual([identity]);
  const presence = await activityQueuePollers(
    env.nativeConnection,
    namespace,
    [fleetPresenceQueue(flinksQueue)],
    2_000,
  );
  expect(presence.map((p) => p.identity)).toEqual([identity]);
  // The server holds the poll open, then answers it empty.
  await announced;
  expect(Date.now() - startedAt).toBeGreaterThan(5_000);
});

test("the Flinks worker's identity is pid@host made unique: two in one process (or two pid 1s) differ", () => {
  const [a, b] = [uniqueWorkerIdentity(), uniqueWorkerIdentity()];
  expect(a).not.toEqual(b);
  for (const id of [a, b]) expect(id.startsWith(`${process.pid}@${hostname()}-`)).toBe(true);
});
