// The HTTP API under a small concurrent load: connect (POST /cards), reconnected and refreshNow (POST
// /cards/:id/refresh), each timed from the request to the last byte of its answer. The simulator answers at
// once during this phase (no injected latency): what is measured is our stack (HTTP API → Temporal → worker →
// Flinks client and back), not Flinks. refreshNow waits for a whole live refresh, three Flinks calls included.
import { performance } from 'node:perf_hooks';
import { createApiServer } from '../../src/api';
import { forEachBounded } from '../../src/domain/for-each-bounded';
import { DirectorySink } from '../../src/flinks';
import {
  type ConnectProfile,
  profileConnect,
  type RefreshNowProfile,
  type RequestClock,
  refreshNowPhases,
} from './api-profile';
import { type BenchWorld } from './bench-world';
import { FlinksTraffic } from './flinks-traffic';
import { ProgressBar } from './progress-bar';
import { benchCards } from './scenario-mix';
import { waitUntilSettled } from './settled-cards';
import { type Summary, summarize } from './stats';

const API_TOKEN = 'bench-api-token-0123456789abcdef';
const SETTLE_TIMEOUT_MS = 5 * 60_000;

export interface ApiLatency {
  concurrency: number;
  simulatorLatencyMs: 0;
  connect: Summary;
  reconnected: Summary;
  refreshNow: Summary;
  /** Answers that were not the route's success status. */
  failures: number;
  profile: { connect: ConnectProfile; refreshNow: RefreshNowProfile };
}

/** Cards connected one at a time, without HTTP, to time the calls behind connect. */
const PROFILED_CONNECTS = 30;

export async function measureApiLatency(
  world: BenchWorld,
  options: { requests: number; concurrency: number; seed: number; settledLoginIds: readonly string[] },
): Promise<ApiLatency> {
  await world.sim.admin.setFaults({});
  const api = createApiServer({
    cards: world.cards,
    sink: new DirectorySink(world.config.dataSink.dir),
    token: API_TOKEN,
  });
  const { url } = await api.listen(0);
  let failures = 0;
  /** Wall-clock (epoch ms) start and end of each timed request, by loginId, to set against history times. */
  const clock = new Map<string, RequestClock>();
  /** `prepare` runs before the clock starts (e.g. the user finishing Flinks Connect). */
  const timed = async (
    label: string,
    items: readonly string[],
    expect: number,
    prepare: (loginId: string) => Promise<{ path: string; body: unknown }>,
  ): Promise<Summary> => {
    const progress = new ProgressBar(`API ${label}`, items.length);
    const durations: number[] = [];
    await forEachBounded(items, options.concurrency, async (loginId) => {
      const { path, body } = await prepare(loginId);
      const [started, startedAtMs] = [performance.now(), Date.now()];
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      durations.push(performance.now() - started);
      clock.set(loginId, { startedAtMs, answeredAtMs: Date.now() });
      if (response.status !== expect) failures += 1;
      progress.update(durations.length);
    });
    progress.finish();
    return summarize(durations);
  };

  try {
    // New cards, connected through the API; the simulator knows them, so their reconnects can fetch data.
    const fresh = benchCards(options.requests, { healthy: 100 }, options.seed + 1).map((c) => c.loginId);
    for (const loginId of fresh) await world.sim.admin.createCard({ loginId, scenario: 'healthy' });
    const connect = await timed('connect', fresh, 201, async (loginId) => ({
      path: '/cards',
      body: { loginId },
    }));
    const reconnected = await timed('reconnected', fresh, 202, async (loginId) => {
      // The requestId Flinks Connect hands the backend once the user is through.
      const { requestId } = await world.sim.admin.completeUserReconnect(loginId);
      return { path: `/cards/${loginId}/reconnected`, body: { requestId } };
    });
    // The reconnects' data fetches queue on the rate-limited Flinks queue: let them drain, or the presses below
    // would wait behind them and measure the queue instead of a press.
    const traffic = new FlinksTraffic(world.sim).start();
    await waitUntilSettled(world.env.client, traffic, fresh, Date.now() + SETTLE_TIMEOUT_MS, () => undefined);
    traffic.stop();
    // Cards that finished their night: a press on a card busy with a reconnect would wait for it first.
    const pressed = options.settledLoginIds.slice(0, options.requests);
    const refreshNow = await timed('refreshNow', pressed, 200, async (loginId) => ({
      path: `/cards/${loginId}/refresh`,
      body: {},
    }));
    const unseen = benchCards(PROFILED_CONNECTS, { healthy: 100 }, options.seed + 2).map((c) => c.loginId);
    const profile = {
      connect: await profileConnect(world, unseen),
      refreshNow: await refreshNowPhases(world, pressed, clock),
    };
    return {
      concurrency: options.concurrency,
      simulatorLatencyMs: 0,
      connect,
      reconnected,
      refreshNow,
      failures,
      profile,
    };
  } finally {
    await api.close();
  }
}
