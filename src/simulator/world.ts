import { CardStore, type CardState } from './cards';
import { SimClock } from './clock';
import { Counters } from './counters';
import { FaultInjector } from './faults';
import { NightlyJob } from './nightly';
import { type ResolvedOptions } from './options';
import { Prng } from './random';
import { SessionStore } from './sessions';
import { TokenStore } from './tokens';

/** Everything the simulated Flinks knows, shared by the API handlers and the admin functions. */
export class SimWorld {
  readonly cards = new CardStore();
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly counters: Counters;
  readonly faults: FaultInjector;
  readonly nightly: NightlyJob;
  /** Separate streams, so injecting faults does not change which flaky refreshes fail. */
  readonly flakyPrng: Prng;
  readonly challengePrng: Prng;

  private constructor(
    readonly options: ResolvedOptions,
    readonly clock: SimClock,
    startAt: number,
  ) {
    this.sessions = new SessionStore(options.requestIdTtlMs);
    this.tokens = new TokenStore(options.authorizeTokenTtlMs);
    this.counters = new Counters(options.requestLogSize);
    this.faults = new FaultInjector(options.seed);
    this.flakyPrng = new Prng(options.seed + 1);
    this.challengePrng = new Prng(options.seed + 2);
    this.nightly = new NightlyJob(startAt, {
      cards: this.cards,
      counters: this.counters,
      prng: this.flakyPrng,
      flakyRate: (card) => this.flakyRate(card),
      webhooks: options.webhooks,
    });
  }

  static async create(options: ResolvedOptions): Promise<SimWorld> {
    const clock = options.clock ? SimClock.borrowed(options.clock) : SimClock.owned(options.clockTicks);
    return new SimWorld(options, clock, await clock.now());
  }

  /** The virtual now, after running every nightly slot that has come due. */
  async sync(): Promise<number> {
    const now = await this.clock.now();
    this.nightly.catchUp(now);
    return now;
  }

  flakyRate(card: CardState): number {
    return card.scenarioOptions.errorRate ?? this.options.flakyErrorRate;
  }

  pollsBeforeReady(card: CardState): number {
    if (card.scenarioOptions.pollsBeforeReady !== undefined) return card.scenarioOptions.pollsBeforeReady;
    return card.scenario === 'slow' ? this.options.slowPollsBeforeReady : this.options.pollsBeforeReady;
  }
}
