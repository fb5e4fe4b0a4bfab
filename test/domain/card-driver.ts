// Applies a generated life (card-triggers.ts) to the domain the way src/workflows/card-lifecycle.ts does: messages
// parsed by the card's schemas (malformed ones recorded), one Flinks operation at a time with `refreshing` shown
// while a live refresh or fetch runs, timers fired when due, refreshNow resuming an open MFA session. Every
// committed state is handed to an observer, with what Flinks reported so far as an independent model.
import {
  cardInputSchema,
  disconnectSchema,
  nightlyStatusSchema,
  reconnectedSchema,
  type RefreshNowResult,
  setScheduledRefreshSchema,
  webhookRefreshSchema,
} from '../../src/domain/card-messages';
import { type Operation } from '../../src/domain/card-operations';
import { type CardPolicy } from '../../src/domain/card-policy';
import { type CardState, initialCardState } from '../../src/domain/card-state';
import {
  afterCachedCall,
  afterDisconnect,
  afterFetch,
  afterLiveRefresh,
  afterSetScheduledRefresh,
  expiryWarningDue,
  nextWakeUp,
  onNightlyStatus,
  onRefreshNow,
  onTimer,
  onWebhookRefresh,
  recordMalformed,
  refreshNowResult,
  type Transition,
} from '../../src/domain/card-transitions';
import { type DeliveredData } from '../../src/domain/refresh-outcomes';
import { toMs } from '../../src/domain/time';
import { iso, LOGIN_ID, T0 } from './card-lives';
import { type InstantSpec, type LifeSpec, type OutcomeSpec, type Step } from './card-triggers';

/** What Flinks (and the backend) told the card so far, kept apart from the card's own bookkeeping. */
export interface Reported {
  /** The latest successful refresh any answer reported (connect, LastRefresh, a live refresh, a webhook). */
  success: number | null;
  /** The last cached call Flinks counted. */
  cached: number | null;
  malformed: number;
  /** The backend's own last word on scheduled refresh: off by the input or an accepted setScheduledRefresh. */
  offByBackend: boolean;
}

export interface Committed {
  kind: 'committed';
  prev: CardState;
  state: CardState;
  now: number;
  /** The operation whose outcome this is, or null for a message or a timer. */
  op: Operation | null;
  /** What the transition asks for next. */
  next: Operation | null;
  reported: Reported;
}
export interface Answered {
  kind: 'refresh-now';
  result: RefreshNowResult;
  state: CardState;
  now: number;
  /** The open MFA session the press resumed instead of logging in again, if any. */
  resumed: boolean;
}
export type Observation = Committed | Answered;

export interface Life {
  state: CardState;
  now: number;
  reported: Reported;
  trace: string[];
}

/** Enough for weeks of hourly retries inside one step; a card firing more than this at one instant spins. */
const MAX_TIMERS_PER_STEP = 2_000;
const MAX_CHAIN = 10;

export class Driver {
  private outcomes: OutcomeSpec[] = [];
  private cursor = 0;
  private connectSession: string | null = null;

  constructor(
    private readonly life: Life,
    private readonly policy: CardPolicy,
    private readonly observe: (o: Observation) => void,
  ) {}

  /** The card as the workflow starts it, or null when its input is refused (the workflow fails to start). */
  static create(spec: LifeSpec, policy: CardPolicy, observe: (o: Observation) => void): Driver | null {
    const { upperCaseLoginId, connectedAt, ...rest } = spec.input;
    const input = {
      ...rest,
      loginId: upperCaseLoginId ? LOGIN_ID.toUpperCase() : LOGIN_ID,
      ...(connectedAt ? { connectedAt: resolveInstant(connectedAt, null, T0) ?? iso(T0) } : {}),
    };
    const parsed = cardInputSchema.safeParse(input);
    if (!parsed.success) return null;
    const connected = parsed.data.connectedAt ? toMs(parsed.data.connectedAt) : T0;
    const life: Life = {
      state: initialCardState(parsed.data, T0),
      now: T0,
      reported: {
        success: connected,
        cached: connected,
        malformed: 0,
        offByBackend: parsed.data.scheduledRefresh === false,
      },
      trace: [`${iso(T0)} start ${JSON.stringify(input)}`],
    };
    const driver = new Driver(life, policy, observe);
    driver.connectSession = parsed.data.requestId ?? null;
    return driver;
  }

  /** The first state, then the Connect session's data when the input carries its requestId. */
  begin(startOutcomes: OutcomeSpec[]): void {
    const { state, now, reported } = this.life;
    this.observe({ kind: 'committed', prev: state, state, now, op: null, next: null, reported });
    if (this.connectSession !== null) {
      this.outcomes = startOutcomes;
      this.run({ kind: 'fetch', requestId: this.connectSession, purpose: 'connected' });
    }
  }

  get current(): Life {
    return this.life;
  }

  /** One step; false once the card is disconnected (the workflow's loop has ended: nothing more is handled). */
  step(step: Step): boolean {
    if (this.ended()) return false;
    this.outcomes = step.outcomes;
    this.cursor = 0;
    const until = this.life.now + step.delayMs;
    if (!step.late) this.fireDueTimers(until);
    this.life.now = Math.max(this.life.now, until);
    const { trigger } = step;
    switch (trigger.kind) {
      case 'wait':
        this.fireDueTimers(this.life.now);
        break;
      case 'timer': {
        const wake = nextWakeUp(this.life.state, this.policy);
        if (wake !== null) {
          this.life.now = Math.max(this.life.now, wake.at);
          this.fireDueTimers(this.life.now);
        }
        break;
      }
      case 'refreshNow':
        this.refreshNow();
        break;
      case 'signal':
        this.handle(trigger.signal, trigger.payload);
        break;
      case 'webhook': {
        const lastRefresh = resolveInstant(trigger.lastRefresh, this.life.state, this.life.now, trigger.zone);
        this.handle('webhookRefresh', { requestId: trigger.requestId, lastRefresh });
        break;
      }
    }
    return !this.ended();
  }

  private ended(): boolean {
    return this.life.state.status === 'disconnected';
  }

  // ---------- the workflow's handlers ----------

  private handle(signal: string, payload: unknown): void {
    const now = this.life.now;
    this.life.trace.push(`${iso(now)} ${signal} ${JSON.stringify(payload) ?? 'undefined'}`);
    switch (signal) {
      case 'nightlyStatus': {
        const parsed = nightlyStatusSchema.safeParse(payload);
        if (!parsed.success) return this.malformed(signal);
        const t = onNightlyStatus(this.life.state, parsed.data, this.policy, now);
        this.commit(t, null);
        return this.run(t.next);
      }
      case 'reconnected': {
        const parsed = reconnectedSchema.safeParse(payload);
        if (!parsed.success) return this.malformed(signal);
        return this.run({ kind: 'fetch', requestId: parsed.data.requestId, purpose: 'reconnected' });
      }
      case 'setScheduledRefresh': {
        const parsed = setScheduledRefreshSchema.safeParse(payload);
        if (!parsed.success) return this.malformed(signal);
        return this.run({ kind: 'set-scheduled-refresh', enabled: parsed.data.enabled, purpose: 'request' });
      }
      case 'webhookRefresh': {
        const parsed = webhookRefreshSchema.safeParse(payload);
        if (!parsed.success) return this.malformed(signal);
        const lastRefresh = parsed.data.lastRefresh;
        if (this.life.state.status !== 'disconnected') this.reportSuccess(lastRefresh ?? iso(now));
        return this.commit({ state: onWebhookRefresh(this.life.state, lastRefresh, now), next: null }, null);
      }
      case 'disconnect': {
        const parsed = disconnectSchema.safeParse(payload ?? {});
        if (!parsed.success) return this.malformed(signal);
        return this.run({ kind: 'disconnect', deleteData: parsed.data.deleteData ?? false });
      }
    }
  }

  private malformed(signal: string): void {
    this.life.reported = { ...this.life.reported, malformed: this.life.reported.malformed + 1 };
    this.commit({ state: recordMalformed(this.life.state, `${signal}: malformed`), next: null }, null);
  }

  /** The update's validator refuses a disconnected card, so a press there never runs. */
  private refreshNow(): void {
    const now = this.life.now;
    this.life.trace.push(`${iso(now)} refreshNow`);
    const next = onRefreshNow(this.life.state, now);
    this.run(next);
    this.observe({
      kind: 'refresh-now',
      result: refreshNowResult(this.life.state, this.life.now),
      state: this.life.state,
      now: this.life.now,
      resumed: next === null,
    });
  }

  private fireDueTimers(until: number): void {
    for (let fired = 0; ; fired++) {
      const wake = nextWakeUp(this.life.state, this.policy);
      if (wake === null || wake.at > until || this.ended()) return;
      if (fired >= MAX_TIMERS_PER_STEP) throw new Error(`the ${wake.action} timer spins at ${iso(wake.at)}`);
      this.life.now = Math.max(this.life.now, wake.at);
      this.life.trace.push(`${iso(this.life.now)} timer ${wake.action}`);
      const t = onTimer(this.life.state, wake.action, this.policy, this.life.now);
      this.commit(t, null);
      this.run(t.next);
    }
  }

  /** The workflow's run(): one operation after the other, `refreshing` while a live refresh or fetch runs. */
  private run(first: Operation | null): void {
    let op = first;
    for (let chain = 0; op !== null; chain++) {
      if (chain >= MAX_CHAIN) throw new Error('an operation chain did not end');
      const before = this.life.state.status;
      if (op.kind === 'live-refresh' || op.kind === 'fetch') {
        this.life.state = { ...this.life.state, status: 'refreshing' };
      }
      const outcome = this.outcomes[this.cursor++ % Math.max(1, this.outcomes.length)];
      if (outcome === undefined) throw new Error('a step without outcomes');
      this.life.now += outcome.tookMs;
      const t = this.execute(op, outcome, { ...this.life.state, status: before });
      this.life.trace.push(`  ${op.kind}${'purpose' in op ? `(${op.purpose})` : ''} → ${t.state.status}`);
      this.commit(t, op);
      op = t.next;
    }
  }

  private execute(op: Operation, outcome: OutcomeSpec, restored: CardState): Transition {
    const { state } = this.life;
    const now = this.life.now;
    const at = (spec: InstantSpec): string | null => resolveInstant(spec, state, now);
    switch (op.kind) {
      case 'cached-call': {
        const o = outcome.cached;
        this.life.trace.push(`  cached-call answers ${JSON.stringify(o)}`);
        if (o.kind === 'failed') return afterCachedCall(state, op, o, now);
        const lastRefresh = at(o.lastRefresh);
        const delivered = o.delivered && lastRefresh !== null ? deliveredOf(lastRefresh) : null;
        this.reportCachedCall(now, lastRefresh);
        return o.kind === 'ok'
          ? afterCachedCall(
              state,
              op,
              {
                kind: 'ok',
                requestId: 'req-c',
                lastRefresh,
                isScheduledRefresh: o.isScheduledRefresh,
                delivered,
              },
              now,
            )
          : afterCachedCall(
              state,
              op,
              { kind: 'replayed-error', error: o.error, lastRefresh, delivered },
              now,
            );
      }
      case 'live-refresh': {
        const o = outcome.live;
        this.life.trace.push(`  live-refresh answers ${JSON.stringify(o)}`);
        if (o.kind !== 'refreshed') return afterLiveRefresh(restored, o, now);
        const lastRefresh = at(o.lastRefresh);
        this.reportSuccess(lastRefresh ?? iso(now));
        return afterLiveRefresh(
          restored,
          { kind: 'refreshed', requestId: 'req-l', lastRefresh, delivered: deliveredOf(lastRefresh) },
          now,
        );
      }
      case 'fetch': {
        const o = outcome.fetch;
        this.life.trace.push(`  fetch answers ${JSON.stringify(o)}`);
        if (o.kind === 'failed') return afterFetch(restored, op, o, now);
        const lastRefresh = at(o.lastRefresh);
        this.reportSuccess(lastRefresh ?? iso(now));
        return afterFetch(
          restored,
          op,
          { kind: 'refreshed', requestId: op.requestId, lastRefresh, delivered: deliveredOf(lastRefresh) },
          now,
        );
      }
      case 'set-scheduled-refresh': {
        const o = outcome.api;
        this.life.trace.push(`  set-scheduled-refresh answers ${o.kind}`);
        if (o.kind === 'ok' && op.purpose === 'request') {
          this.life.reported = { ...this.life.reported, offByBackend: !op.enabled };
        }
        return afterSetScheduledRefresh(state, op, o, now);
      }
      case 'disconnect':
        // Whatever DeleteCard or SetScheduledRefresh answered, the card disconnects.
        return { state: afterDisconnect(state), next: null };
    }
  }

  /** The workflow's commit(): the state moves on, and an expiry warning due now is marked as sent. */
  private commit(t: Transition, op: Operation | null): void {
    const prev = this.life.state;
    let state = t.state;
    const expiring = expiryWarningDue(state, this.policy, this.life.now);
    if (expiring !== null) state = { ...state, warnedForEligibleUntil: expiring };
    this.life.state = state;
    this.observe({
      kind: 'committed',
      prev,
      state,
      now: this.life.now,
      op,
      next: t.next,
      reported: this.life.reported,
    });
  }

  private reportSuccess(at: string): void {
    const ms = toMs(at);
    const { success } = this.life.reported;
    this.life.reported = { ...this.life.reported, success: success === null ? ms : Math.max(success, ms) };
  }

  private reportCachedCall(now: number, lastRefresh: string | null): void {
    this.life.reported = { ...this.life.reported, cached: now };
    if (lastRefresh !== null) this.reportSuccess(lastRefresh);
  }
}

/** Runs a whole life; returns it, or null when its input was refused. A failure carries the life's last moves. */
export function liveThrough(
  spec: LifeSpec,
  policy: CardPolicy,
  observe: (o: Observation) => void,
): Life | null {
  const driver = Driver.create(spec, policy, observe);
  if (driver === null) return null;
  try {
    driver.begin(spec.startOutcomes);
    for (const step of spec.steps) if (!driver.step(step)) break;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${detail}\nthe life's last moves:\n${driver.current.trace.slice(-16).join('\n')}`);
  }
  return driver.current;
}

function deliveredOf(lastRefresh: string | null): DeliveredData {
  return { requestId: 'req-d', lastRefresh, accounts: 1, transactions: 2, location: 'memory://sink' };
}

/** An InstantSpec as an ISO string at `now` (in the given zone, which a webhook's schema accepts). */
export function resolveInstant(
  spec: InstantSpec,
  state: CardState | null,
  now: number,
  zone: 'Z' | '-05:00' | '+09:30' = 'Z',
): string | null {
  switch (spec.at) {
    case 'none':
      return null;
    case 'last-success':
      return state?.lastSuccessfulRefreshAt ?? null;
    case 'before-now':
      return inZone(now - spec.ms, zone);
    case 'after-now':
      return inZone(now + spec.ms, zone);
  }
}

function inZone(ms: number, zone: 'Z' | '-05:00' | '+09:30'): string {
  if (zone === 'Z') return iso(ms);
  const offsetMs = (zone === '-05:00' ? -5 * 60 : 9 * 60 + 30) * 60_000;
  return iso(ms + offsetMs).replace('Z', zone);
}
