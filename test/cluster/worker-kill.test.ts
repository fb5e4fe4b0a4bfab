// A worker process SIGKILLed in the middle of a night on the real cluster (four Temporal services on PostgreSQL,
// three worker processes): the one running the routine's shard activity, while cards have Flinks calls in flight.
// It is not restarted: the other two carry the night, taking over its shard (10 s heartbeat), its cards' workflow
// tasks (30 s sticky timeout) and its Flinks calls (1 min heartbeat). Nothing is lost (test/faults/cluster-night.ts).
import {
  describeClusterNight,
  expectCleanNight,
  midNight,
  signallingWorker,
  startNightRoutine,
  WORKER_PROCESSES,
} from '../faults/cluster-night';

const CARDS = 300;

describeClusterNight(
  'a worker SIGKILLed mid-night on the cluster',
  {
    suite: 'cluster worker SIGKILL',
    cards: CARDS,
    maxRps: 30,
    // 16 shards of ~19 cards, one at a time, two signals at once: the kill lands with shards still to signal.
    knobs: { cardsPerShard: 20, pageSize: 10, shardConcurrency: 1, signalConcurrency: 2 },
  },
  (opened) => {
    test(`SIGKILL of the signalling worker of ${WORKER_PROCESSES}, not restarted: the other two finish the night, nothing lost`, async () => {
      const n = opened();
      const routine = await startNightRoutine(n, 'cluster-worker-kill');
      const moment = await midNight(n, routine);
      const victim = await signallingWorker(n, routine);
      await victim.kill();
      n.workers = n.workers.filter((w) => w !== victim);
      n.report.mark(`SIGKILL worker ${victim.pid} (${moment.text})`);
      n.report.disruptions = `1 SIGKILL of the worker signalling cards, ${WORKER_PROCESSES - 1} of ${WORKER_PROCESSES} left, not restarted`;
      await expectCleanNight(n, routine);
    }, 300_000);
  },
);
