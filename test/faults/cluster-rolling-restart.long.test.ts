// A rolling restart of every worker in the middle of a night on the real cluster: each of the three worker processes
// in turn gets SIGTERM (a graceful shutdown: in-flight activities get WORKER_SHUTDOWN_GRACE, the rest go back to
// Temporal), and the next one goes once its replacement polls. The first strikes while the routine signals cards and
// cards have Flinks calls in flight; the later ones while cards have calls in flight (the routine may be done
// signalling by then). Nothing is lost (test/faults/cluster-night.ts).
import { clusterUnavailableReason } from '../../tools/cluster/availability';
import {
  CLUSTER_START_TIMEOUT_MS,
  type ClusterNight,
  expectCleanNight,
  midNight,
  openClusterNight,
  startNightRoutine,
  startPollingWorker,
  WORKER_PROCESSES,
} from './cluster-night';

const unavailable = clusterUnavailableReason();
const suite = unavailable ? describe.skip : describe;
if (unavailable) process.stderr.write(`[cluster] skipped: ${unavailable}\n`);

const CARDS = 500;

suite('a rolling restart of every worker mid-night on the cluster', () => {
  let night: ClusterNight | undefined;

  beforeAll(async () => {
    night = await openClusterNight({
      suite: 'cluster rolling restart',
      cards: CARDS,
      // A slow night: the routine still signals and the cards still call Flinks through all three restarts.
      maxRps: 15,
      knobs: { cardsPerShard: 32, pageSize: 5, shardConcurrency: 1, signalConcurrency: 1 },
    });
  }, CLUSTER_START_TIMEOUT_MS);

  afterAll(async () => {
    await night?.close();
  }, 120_000);

  test(`SIGTERM each of the ${WORKER_PROCESSES} workers in turn, each replaced before the next: nothing lost`, async () => {
    const n = night as ClusterNight;
    const routine = await startNightRoutine(n, 'cluster-rolling-restart');
    let moment = await midNight(n, routine);
    const downs: string[] = [];
    for (let i = 0; i < WORKER_PROCESSES; i++) {
      // The routine may have signalled every card by now; the cards still call Flinks.
      if (i > 0) moment = await midNight(n, routine, { signalling: false });
      const old = n.workers[i]!;
      const stopping = Date.now();
      await old.stop();
      n.report.mark(
        `SIGTERM worker ${old.pid}, exited in ${((Date.now() - stopping) / 1000).toFixed(1)} s (${moment.text})`,
      );
      const replacement = await startPollingWorker(n.world);
      n.workers[i] = replacement;
      n.report.mark(`worker ${replacement.pid} polls`);
      downs.push(`${((Date.now() - stopping) / 1000).toFixed(1)} s`);
      n.report.disruptions = `${i + 1} of ${WORKER_PROCESSES} workers restarted one at a time (SIGTERM to replacement polling: ${downs.join(', ')})`;
    }
    // 15 requests a second for the fleet: the cards' calls take a few minutes.
    await expectCleanNight(n, routine, 420_000);
  }, 900_000);
});
