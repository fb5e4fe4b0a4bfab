import { z } from 'zod';
import { Prng } from './random';
import { MINUTE_MS } from './time';

const rate = z.number().min(0).max(1);
const durationMs = z.number().int().min(0).max(60 * MINUTE_MS);

export const faultsSchema = z
  .object({
    latencyMs: durationMs.optional(),
    jitterMs: durationMs.optional(),
    /** Share of requests answered 500 AGGREGATION_ERROR before any processing. */
    errorRate: rate.optional(),
    /** Share of responses whose JSON body is cut in half (Content-Length matches the cut body). */
    malformedRate: rate.optional(),
    /** Share of requests held for `hangMs` before being processed (past any sane client timeout). */
    hangRate: rate.optional(),
    hangMs: durationMs.optional(),
    /** The next N requests get 401 TOO_MANY_REQUESTS. */
    tooManyRequestsBurst: z.number().int().min(0).max(1_000_000).optional(),
    /**
     * Share of requests processed in full (a live Authorize logs in at the bank, opens its session and is counted)
     * whose answer is then lost: the connection is destroyed instead of answered.
     */
    lostAnswerRate: rate.optional(),
    /** Share of requests processed at once but answered only after `slowAnswerMs`: a slow bank. */
    slowAnswerRate: rate.optional(),
    slowAnswerMs: durationMs.optional(),
    /** Share of Async polls whose RequestId expires just before the poll is handled. */
    expireRequestIdsMidPollRate: rate.optional(),
    /** Limit the faults to these endpoint names (e.g. `Authorize`, `GetAccountsDetailAsync`). */
    endpoints: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type Faults = z.infer<typeof faultsSchema>;

export const DEFAULT_HANG_MS = 10 * MINUTE_MS;
/** Past the product's 1-minute heartbeat timeout. */
export const DEFAULT_SLOW_ANSWER_MS = 90_000;

const pollEndpoints = new Set(['GetAccountsDetailAsync', 'GetAccountsSummaryAsync']);

export interface FaultDecision {
  delayMs: number;
  hangMs: number;
  reject: 'TOO_MANY_REQUESTS' | 'AGGREGATION_ERROR' | null;
  expireRequestId: boolean;
  malformed: boolean;
  /** What happens to the answer once the request was processed: sent, held `slowAnswerMs` first, or lost. */
  answer: 'sent' | 'slow' | 'lost';
  slowAnswerMs: number;
}

const noFault: FaultDecision = {
  delayMs: 0,
  hangMs: 0,
  reject: null,
  expireRequestId: false,
  malformed: false,
  answer: 'sent',
  slowAnswerMs: 0,
};

/** Decides, per request and from its own seeded stream, which injected faults apply. */
export class FaultInjector {
  private faults: Faults = {};
  private burstLeft = 0;
  private readonly prng: Prng;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  set(faults: Faults): void {
    this.faults = { ...faults };
    this.burstLeft = faults.tooManyRequestsBurst ?? 0;
  }

  clear(): void {
    this.set({});
  }

  current(): Faults & { tooManyRequestsLeft: number } {
    return { ...this.faults, tooManyRequestsLeft: this.burstLeft };
  }

  decide(endpoint: string): FaultDecision {
    const f = this.faults;
    if (f.endpoints !== undefined && !f.endpoints.includes(endpoint)) return noFault;
    const delayMs = (f.latencyMs ?? 0) + (f.jitterMs ? Math.floor(this.prng.next() * f.jitterMs) : 0);
    const hangMs = this.prng.chance(f.hangRate ?? 0) ? (f.hangMs ?? DEFAULT_HANG_MS) : 0;
    let reject: FaultDecision['reject'] = null;
    if (this.burstLeft > 0) {
      this.burstLeft -= 1;
      reject = 'TOO_MANY_REQUESTS';
    } else if (this.prng.chance(f.errorRate ?? 0)) {
      reject = 'AGGREGATION_ERROR';
    }
    const expireRequestId = pollEndpoints.has(endpoint) && this.prng.chance(f.expireRequestIdsMidPollRate ?? 0);
    const malformed = this.prng.chance(f.malformedRate ?? 0);
    // Drawn after the others (and only when armed), so seeded runs of the older faults keep their stream.
    const answer = this.prng.chance(f.lostAnswerRate ?? 0)
      ? 'lost'
      : this.prng.chance(f.slowAnswerRate ?? 0)
        ? 'slow'
        : 'sent';
    const slowAnswerMs = answer === 'slow' ? (f.slowAnswerMs ?? DEFAULT_SLOW_ANSWER_MS) : 0;
    return { delayMs, hangMs, reject, expireRequestId, malformed, answer, slowAnswerMs };
  }
}
