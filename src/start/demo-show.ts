// What `npm start` and `npm run cluster` show once everything runs: the live card table, the first run's demo cards
// (seeded in the background, never fatal), and the optional demo clock.
import { type Client } from '@temporalio/client';
import { type FlinksRefreshClient } from '../client';
import { type FlinksLogger } from '../flinks';
import { type Simulator } from '../simulator';
import { startDemoClock } from './demo-clock';
import { needsDemo, seedDemo } from './demo-seed';
import { startLiveTable } from './live-table';
import { type StopStack } from './stop-stack';

export interface DemoShowOptions {
  cards: FlinksRefreshClient;
  client: Client;
  /** Null when the product talks to a real Flinks: no demo, no scenarios column. */
  sim: Simulator | null;
  taskQueue: string;
  flinksTaskQueue: string;
  verbose: boolean;
  demoClockMs: number | null;
  stack: StopStack;
  log: FlinksLogger;
  isStopping: () => boolean;
}

export async function startDemoShow(options: DemoShowOptions): Promise<void> {
  const { cards, client, sim, taskQueue, flinksTaskQueue, log } = options;
  let footer: string | undefined;
  const table = startLiveTable({
    cards,
    write: (text) => void process.stdout.write(text),
    redraw: process.stdout.isTTY === true && !options.verbose,
    scenarios: sim ? scenariosOf(sim) : undefined,
    footer: () => footer,
  });
  options.stack.push('card table', () => table.stop());
  await table.refresh();

  if (sim) {
    // In the background, and never fatal: the product runs whether or not the demo could be seeded.
    void (async () => {
      if (!(await needsDemo(cards))) return;
      footer =
        'Demo: connecting one card per simulator scenario, running tonight’s Flinks job and one routine…';
      const ids = await seedDemo({ cards, client, sim, taskQueue, flinksTaskQueue, log });
      footer = `Demo: ${ids.length} cards seeded. Each refreshes on its own from now on.`;
    })().catch((error: unknown) => {
      if (options.isStopping()) return;
      log.error('demo seeding failed', { error: error instanceof Error ? error.message : String(error) });
      footer = `Demo seeding failed: ${error instanceof Error ? error.message : String(error)}`;
    });
  }
  if (sim && options.demoClockMs !== null) {
    const everyMs = options.demoClockMs;
    const clock = startDemoClock({
      client,
      sim,
      taskQueue,
      flinksTaskQueue,
      everyMs,
      log,
      onNight: (night, at) => {
        footer = `Demo clock: night ${night} at ${at.toISOString().slice(11, 19)} UTC; the next in ${Math.round(everyMs / 1000)} s.`;
      },
    });
    options.stack.push('demo clock', () => clock.stop());
  }
}

function scenariosOf(sim: Simulator): () => Promise<ReadonlyMap<string, string>> {
  return async () => new Map((await sim.admin.listCards()).map((card) => [card.loginId, card.scenario]));
}
