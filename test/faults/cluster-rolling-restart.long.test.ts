// A rolling restart of every worker in the middle of a night on the real cluster: each of the three worker processes
// in turn gets SIGTERM (a graceful shutdown: in-flight activities get WORKER_SHUTDOWN_GRACE, the rest go back to
// Temporal), and the next one goes once its replacement polls. The first strikes while the routine signals cards and
// cards have Flinks calls in flight; the later ones while cards have calls in flight (the routine may be done
// signalling by then). Nothing is lost (test/faults/cluster-night.ts).
import {
  describeClusterNight,
  expectCleanNight,
  midNight,
  startNightRoutine,
  startPollingWorker,
  WORKER_PROCESSES,
} from './cluster-night';

const CARDS = 500;

describeClusterNight(
  'a rolling restart of every worker mid-night on the cluster',
  {
    suite: 'cluster rolling restart',
    cards: CARDS,
    // A slow night: the routine still signals and the cards still call Flinks through all three restarts.
    maxRps: 15,
    knobs: { cardsPerShard: 32, pageSize: 5, shardConcurrency: 1, signalConcurrency: 1 },
  },
  (opened) => {
    test(`SIGTERM each of the ${WORKER_PROCESSES} workers in turn, each replaced before the next: nothing lost`, async () => {
      const n = opened();
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
  },
);
