// The history service (which owns every workflow's shard) SIGKILLed in the middle of a night on the real cluster,
// while the routine signals cards and cards have Flinks calls in flight, and restarted at once on its ports, as a
// supervisor would. The frontend, matching, the three worker processes and the client carry on once it owns its
// shards again; nothing is lost (test/faults/cluster-night.ts).
import {
  describeClusterNight,
  expectCleanNight,
  midNight,
  startNightRoutine,
  untilTemporalAnswers,
} from './cluster-night';

const CARDS = 500;

describeClusterNight(
  'the history service SIGKILLed mid-night on the cluster',
  {
    suite: 'cluster history SIGKILL',
    cards: CARDS,
    maxRps: 30,
    knobs: { cardsPerShard: 32, pageSize: 10, shardConcurrency: 1, signalConcurrency: 2 },
  },
  (opened) => {
    test('SIGKILL of the history service, restarted: the night resumes, nothing lost', async () => {
      const n = opened();
      const history = n.cluster.service('history');
      const routine = await startNightRoutine(n, 'cluster-history-kill');
      const moment = await midNight(n, routine);
      const killedPid = history.pid;
      history.kill('SIGKILL');
      const killedAt = Date.now();
      n.report.mark(`SIGKILL history ${killedPid} (${moment.text})`);
      await history.start();
      n.report.mark(`history ${history.pid} listening`);
      await untilTemporalAnswers(routine);
      n.report.mark('Temporal answers');
      n.report.disruptions =
        `1 SIGKILL of the history service survived, restarted at once, ` +
        `Temporal answering ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`;
      await expectCleanNight(n, routine);
    }, 600_000);
  },
);
