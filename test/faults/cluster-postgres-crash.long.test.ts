// PostgreSQL crashes in the middle of a night on the real cluster (`pg_ctl stop -m immediate`: no shutdown, WAL
// replay at the next start) while the routine signals cards and cards have Flinks calls in flight, stays down a
// while, and is restarted on the same data folder. Temporal's four services, the three worker processes and the
// client reconnect by themselves; the night resumes and nothing is lost (test/faults/cluster-night.ts).
import {
  describeClusterNight,
  expectCleanNight,
  midNight,
  startNightRoutine,
  untilTemporalAnswers,
} from './cluster-night';

const CARDS = 500;
/** Long enough for every Temporal service's requests, and the SDK's retries of them, to fail meanwhile. */
const DOWN_MS = 15_000;

describeClusterNight(
  'PostgreSQL crashed mid-night on the cluster',
  {
    suite: 'cluster PostgreSQL crash',
    cards: CARDS,
    maxRps: 30,
    knobs: { cardsPerShard: 32, pageSize: 10, shardConcurrency: 1, signalConcurrency: 2 },
  },
  (opened) => {
    test('pg_ctl stop -m immediate, down 15 s, restarted: the night resumes, nothing lost', async () => {
      const n = opened();
      const routine = await startNightRoutine(n, 'cluster-postgres-crash');
      const moment = await midNight(n, routine);
      await n.cluster.pg.stop('immediate');
      n.report.mark(`pg_ctl stop -m immediate (${moment.text})`);
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      const restarting = Date.now();
      await n.cluster.pg.start();
      n.report.mark('PostgreSQL accepts connections');
      await untilTemporalAnswers(routine);
      n.report.mark('Temporal answers');
      n.report.disruptions =
        `1 PostgreSQL crash (pg_ctl stop -m immediate) survived, down ${DOWN_MS / 1000} s, ` +
        `Temporal answering ${((Date.now() - restarting) / 1000).toFixed(1)} s after the restart`;
      await expectCleanNight(n, routine);
    }, 600_000);
  },
);
