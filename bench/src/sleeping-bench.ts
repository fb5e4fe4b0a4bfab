// `npm run bench -- --sleeping`: open many cards and leave them sleeping between nights (each waits on a timer
// days away), then watch the worker's memory. That is most of a worker's life: what it holds then is the
// workflow cache, not work.
import { DAY_MS } from '../../src/domain/time';
import { type BenchOptions } from './bench-options';
import { createBenchWorld } from './bench-world';
import { openCards } from './open-cards';
import { runConditions, runStart } from './run-conditions';
import { type SleepingResults, sleepingResultsSchema } from './results-schema';
import { benchCards } from './scenario-mix';
import { rssTarget } from './targets';

const MB = 1024 * 1024;
const SLEEPING_MIX = { healthy: 100 };

export async function runSleepingBench(
  options: BenchOptions,
  say: (line: string) => void,
): Promise<SleepingResults> {
  const start = runStart();
  // Sleeping cards make no Flinks call: the scenario does not matter, and the simulator need not know them.
  const cards = benchCards(options.cards, SLEEPING_MIX, options.seed);
  const world = await createBenchWorld(options, say, cards.length);
  try {
    const connectedAt = new Date(Date.now() - 2 * DAY_MS).toISOString();
    const opened = await openCards(world, cards, connectedAt, { simulated: false });
    say(`All ${cards.length} cards asleep; sampling the worker for ${options.sleepSampleMs / 1000} s…`);
    const window = await world.worker.window();
    await new Promise((resolve) => setTimeout(resolve, options.sleepSampleMs));
    const measure = await window.end();
    const lifetimePeak = await world.worker.lifetimePeakRssBytes();
    return sleepingResultsSchema.parse({
      mode: 'sleeping',
      ...runConditions(start, options, { cards: cards.length, mix: SLEEPING_MIX, temporal: world.store }),
      sleeping: {
        cards: cards.length,
        openMs: opened.ms,
        sampledMs: options.sleepSampleMs,
        rssMb: {
          min: measure.minRssBytes / MB,
          mean: measure.meanRssBytes / MB,
          max: measure.peakRssBytes / MB,
        },
        heapUsedMb: measure.heapUsedBytes / MB,
        lifetimePeakRssMb: lifetimePeak === null ? null : lifetimePeak / MB,
      },
      targets: [rssTarget(measure.peakRssBytes / MB, cards.length, 'highest while sleeping')],
    });
  } finally {
    await world.close();
  }
}
