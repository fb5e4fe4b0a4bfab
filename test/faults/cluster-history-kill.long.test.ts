// The history service (which owns every workflow's shard) SIGKILLed in the middle of a night on the real cluster,
// while the routine signals cards and cards have Flinks calls in flight, and restarted at once on its ports, as a
// supervisor would. The frontend, matching, the three worker processes and the client carry on once it owns its
// shards again; nothing is lost (test/faults/cluster-night.ts).
import { clusterUnavailableReason } from '../../tools/cluster/availability';
import {
  CLUSTER_START_TIMEOUT_MS,
  type ClusterNight,
  expectCleanNight,
  midNight,
  openClusterNight,
  startNightRoutine,
  untilTemporalAnswers,
} from './cluster-night';

const unavailable = clusterUnavailableReason();
const suite = unavailable ? describe.skip : describe;
if (unavailable) process.stderr.write(`[cluster] skipped: ${unavailable}\n`);

const CARDS = 500;

suite('the history service SIGKILLed mid-night on the cluster', () => {
  let night: ClusterNight | undefined;

  beforeAll(async () => {
    night = await openClusterNight({
      suite: 'cluster history SIGKILL',
      cards: CARDS,
      maxRps: 30,
      knobs: { cardsPerShard: 32, pageSize: 10, shardConcurrency: 1, signalConcurrency: 2 },
    });
  }, CLUSTER_START_TIMEOUT_MS);

  afterAll(async () => {
    await night?.close();
  }, 120_000);

  test('SIGKILL of the history service, restarted: the night resumes, nothing lost', async () => {
    const n = night as ClusterNight;
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
});
