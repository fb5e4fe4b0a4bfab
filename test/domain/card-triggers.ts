// fast-check arbitraries for a card's life: its input, then steps of (a delay, one trigger, the outcomes of the
// Flinks calls the trigger leads to). Instants are relative to the card's clock when applied, so a shrunk
// counterexample stays meaningful; `card-driver.ts` applies them the way the workflow does.
import * as fc from 'fast-check';
import { CardErrorCodes } from '../../src/domain/card-transitions';
import { ELIGIBILITY_KEEPING_CODES, FLINKS_CODES } from '../../src/domain/flinks-codes';
import { type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/domain/time';

/** An instant as the trigger's outcome reports it, resolved against the card when applied. */
export type InstantSpec =
  | { at: 'none' }
  | { at: 'before-now'; ms: number }
  | { at: 'after-now'; ms: number }
  /** The card's own lastSuccessfulRefreshAt: a redelivery, or Flinks reporting no newer refresh. */
  | { at: 'last-success' };

export type CachedSpec =
  | { kind: 'ok'; lastRefresh: InstantSpec; isScheduledRefresh: boolean | null; delivered: boolean }
  | { kind: 'replayed-error'; error: FlinksFailure; lastRefresh: InstantSpec; delivered: boolean }
  | { kind: 'failed'; error: FlinksFailure };
export type LiveSpec =
  | { kind: 'refreshed'; lastRefresh: InstantSpec }
  | { kind: 'mfa-required'; requestId: string }
  | { kind: 'failed'; error: FlinksFailure };
export type FetchSpec =
  { kind: 'refreshed'; lastRefresh: InstantSpec } | { kind: 'failed'; error: FlinksFailure };
export type ApiSpec = { kind: 'ok' } | { kind: 'failed'; error: FlinksFailure };

/** What the next Flinks call answers, whichever it is, and how long it took. */
export interface OutcomeSpec {
  tookMs: number;
  cached: CachedSpec;
  live: LiveSpec;
  fetch: FetchSpec;
  api: ApiSpec;
}

export type SignalName =
  'nightlyStatus' | 'reconnected' | 'setScheduledRefresh' | 'webhookRefresh' | 'disconnect';

export type Trigger =
  /** Time passes: every timer due meanwhile fires. */
  | { kind: 'wait' }
  /** The next timer fires, however far away. */
  | { kind: 'timer' }
  | { kind: 'refreshNow' }
  /** A signal whose payload is sent as is: well-formed or not, the card's schema decides. */
  | { kind: 'signal'; signal: SignalName; payload: unknown }
  /** A well-formed webhook whose LastRefresh is relative to the card's clock. */
  | { kind: 'webhook'; requestId: string; lastRefresh: InstantSpec; zone: 'Z' | '-05:00' | '+09:30' };

export interface Step {
  delayMs: number;
  /** The worker was away: the trigger is handled before the timers that fell due meanwhile. */
  late: boolean;
  trigger: Trigger;
  /** Consumed in turn (cyclically) by the Flinks calls this step leads to. */
  outcomes: OutcomeSpec[];
}

export interface LifeSpec {
  input: {
    upperCaseLoginId: boolean;
    institution?: string;
    connectedAt?: InstantSpec;
    requestId?: string;
    scheduledRefresh?: boolean;
  };
  /** For the Connect session's fetch when the input carries a requestId. */
  startOutcomes: OutcomeSpec[];
  steps: Step[];
}

/** Which instants may lie ahead of the card's clock (each is a known bug: see the tests that enable them). */
export interface FutureOptions {
  webhook: boolean;
  api: boolean;
  connectedAt: boolean;
}
export const NO_FUTURE: FutureOptions = { webhook: false, api: false, connectedAt: false };

// ---------- Flinks failures: every code we know, its other spellings, and codes nobody knows ----------

const knownCodes: string[] = [
  ...Object.keys(FLINKS_CODES),
  ...ELIGIBILITY_KEEPING_CODES,
  ...Object.values(CardErrorCodes),
  // What the workflow makes of an activity that timed out or failed otherwise.
  'ACTIVITY_TIMEOUT',
  'ACTIVITY_FAILED',
];

export const flinksCodeArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...knownCodes) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...knownCodes).map((code) => ` ${code.toLowerCase().replace(/_/g, ' ')}\t`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const httpStatusArb = fc.oneof(
  fc.constant(null),
  fc.constantFrom(200, 202, 203, 302, 400, 401, 403, 404, 405, 408, 429, 500, 502, 503),
  fc.integer({ min: 100, max: 599 }),
);

const requestIdArb = fc.oneof(
  fc.constantFrom('req-1', 'req-2', 'req-3'),
  fc.string({ minLength: 1, maxLength: 8 }),
);

export const failureArb: fc.Arbitrary<FlinksFailure> = fc.record({
  code: flinksCodeArb,
  message: fc.string({ maxLength: 16 }),
  httpStatus: httpStatusArb,
  requestId: fc.option(requestIdArb, { nil: null }),
  stage: fc.constantFrom('authorize', 'data', 'api'),
});

// ---------- instants ----------

const pastMsArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: HOUR_MS }),
  fc.integer({ min: 0, max: 60 * DAY_MS }),
  // Far in the past: some below the year 2000, which a webhook's schema refuses.
  fc.integer({ min: 0, max: 30 * 365 * DAY_MS }),
);
const futureMsArb = fc.oneof(
  fc.integer({ min: 1, max: MINUTE_MS }),
  fc.integer({ min: 1, max: 30 * DAY_MS }),
  // Up to 2099 and beyond (beyond 2100, a webhook's schema refuses it).
  fc.integer({ min: 1, max: 80 * 365 * DAY_MS }),
);

function instantArb(future: boolean, nullable: boolean): fc.Arbitrary<InstantSpec> {
  const options: fc.Arbitrary<InstantSpec>[] = [
    pastMsArb.map((ms) => ({ at: 'before-now' as const, ms })),
    fc.constant({ at: 'last-success' as const }),
  ];
  if (nullable) options.push(fc.constant({ at: 'none' as const }));
  if (future) options.push(futureMsArb.map((ms) => ({ at: 'after-now' as const, ms })));
  return fc.oneof(...options);
}

/** When the user finished Flinks Connect, by the backend's clock. */
function connectedAtArb(future: boolean): fc.Arbitrary<InstantSpec> {
  const past = pastMsArb.map((ms) => ({ at: 'before-now' as const, ms }));
  return future
    ? fc.oneof(
        past,
        futureMsArb.map((ms) => ({ at: 'after-now' as const, ms })),
      )
    : past;
}

// ---------- outcomes ----------

function outcomeArb(future: boolean): fc.Arbitrary<OutcomeSpec> {
  const lastRefresh = instantArb(future, true);
  const cached: fc.Arbitrary<CachedSpec> = fc.oneof(
    fc.record({
      kind: fc.constant('ok' as const),
      lastRefresh,
      isScheduledRefresh: fc.option(fc.boolean(), { nil: null }),
      delivered: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('replayed-error' as const),
      error: failureArb,
      lastRefresh,
      delivered: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('failed' as const), error: failureArb }),
  );
  const live: fc.Arbitrary<LiveSpec> = fc.oneof(
    fc.record({ kind: fc.constant('refreshed' as const), lastRefresh }),
    fc.record({ kind: fc.constant('mfa-required' as const), requestId: requestIdArb }),
    fc.record({ kind: fc.constant('failed' as const), error: failureArb }),
  );
  const fetch: fc.Arbitrary<FetchSpec> = fc.oneof(
    fc.record({ kind: fc.constant('refreshed' as const), lastRefresh }),
    fc.record({ kind: fc.constant('failed' as const), error: failureArb }),
  );
  const api: fc.Arbitrary<ApiSpec> = fc.oneof(
    fc.constant({ kind: 'ok' as const }),
    fc.record({ kind: fc.constant('failed' as const), error: failureArb }),
  );
  return fc.record({
    tookMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 35 * MINUTE_MS })),
    cached,
    live,
    fetch,
    api,
  });
}

// ---------- messages ----------

/** Every kind of entry GetNightlyRefreshStatus can list: any code (or none), any state (or none). */
const ineligibleEntryArb = fc.record({
  lastRefreshDate: fc.option(fc.constantFrom('2026-01-05T04:00:00', '2026-01-05T04:00:00.000Z', 'garbage'), {
    nil: null,
  }),
  lastRefreshState: fc.option(
    fc.oneof(
      fc.constantFrom(
        'Failed',
        'AnsweringSecurityChallenge',
        'answeringsecuritychallenge',
        'Completed',
        'Pending',
      ),
      fc.string({ maxLength: 10 }),
    ),
    { nil: null },
  ),
  lastRefreshErrorCode: fc.option(flinksCodeArb, { nil: null, freq: 3 }),
});

const nightlyStatusArb = fc.record(
  {
    // A few ids, so that re-sent routines (duplicates) happen.
    routineId: fc.constantFrom('routine-1', 'routine-2', 'routine-3', 'routine-4', 'routine-5'),
    // Most cards are not listed.
    ineligible: fc.option(ineligibleEntryArb, { nil: null, freq: 2 }),
    maxDataAgeMs: fc.integer({ min: 1, max: 3 * DAY_MS }),
  },
  { requiredKeys: ['routineId', 'ineligible'] },
);

/** Almost right, and wrong: what a broken backend or an old client sends. */
const malformedArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2, maxKeys: 3 }),
  fc.constantFrom(
    null,
    undefined,
    {},
    { routineId: '', ineligible: null },
    { routineId: 'r', ineligible: null, maxDataAgeMs: -1 },
    { routineId: 'r', ineligible: { lastRefreshDate: 1 } },
    { requestId: '' },
    { requestId: 'x'.repeat(201) },
    { enabled: 'yes' },
    { deleteData: 'true' },
    { requestId: 'req-1', lastRefresh: 'yesterday' },
    { requestId: 'req-1', lastRefresh: '2026-02-30T00:00:00Z' },
    { requestId: 'req-1', lastRefresh: '9999-01-01T00:00:00Z' },
  ),
);

const signalArb: fc.Arbitrary<Trigger> = fc.oneof(
  {
    weight: 8,
    arbitrary: nightlyStatusArb.map((payload) => ({
      kind: 'signal' as const,
      signal: 'nightlyStatus' as const,
      payload,
    })),
  },
  {
    weight: 2,
    arbitrary: requestIdArb.map((requestId) => ({
      kind: 'signal' as const,
      signal: 'reconnected' as const,
      payload: { requestId },
    })),
  },
  {
    weight: 2,
    arbitrary: fc.boolean().map((enabled) => ({
      kind: 'signal' as const,
      signal: 'setScheduledRefresh' as const,
      payload: { enabled },
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .option(fc.record({ deleteData: fc.boolean() }, { requiredKeys: [] }), { nil: undefined })
      .map((payload) => ({ kind: 'signal' as const, signal: 'disconnect' as const, payload })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom<SignalName>(
          'nightlyStatus',
          'reconnected',
          'setScheduledRefresh',
          'webhookRefresh',
          'disconnect',
        ),
        malformedArb,
      )
      .map(([signal, payload]) => ({ kind: 'signal' as const, signal, payload })),
  },
);

function webhookArb(future: boolean): fc.Arbitrary<Trigger> {
  return fc.record({
    kind: fc.constant('webhook' as const),
    requestId: requestIdArb,
    lastRefresh: instantArb(future, true),
    zone: fc.constantFrom('Z' as const, '-05:00' as const, '+09:30' as const),
  });
}

// ---------- a life ----------

const delayArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 10 * MINUTE_MS }),
  fc.integer({ min: 0, max: 12 * HOUR_MS }),
  fc.integer({ min: 0, max: 4 * DAY_MS }),
);

export function lifeArb(
  future: FutureOptions = NO_FUTURE,
  { maxSteps = 30, webhooks = true }: { maxSteps?: number; webhooks?: boolean } = {},
): fc.Arbitrary<LifeSpec> {
  const outcomes = fc.array(outcomeArb(future.api), { minLength: 1, maxLength: 3 });
  const triggers: fc.WeightedArbitrary<Trigger>[] = [
    { weight: 3, arbitrary: fc.constant({ kind: 'wait' as const }) },
    { weight: 3, arbitrary: fc.constant({ kind: 'timer' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'refreshNow' as const }) },
    { weight: 6, arbitrary: signalArb },
  ];
  if (webhooks) triggers.push({ weight: 2, arbitrary: webhookArb(future.webhook) });
  const trigger = fc.oneof(...triggers);
  const step: fc.Arbitrary<Step> = fc.record({
    delayMs: delayArb,
    late: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    trigger,
    outcomes,
  });
  return fc.record({
    input: fc.record(
      {
        upperCaseLoginId: fc.boolean(),
        institution: fc.string({ minLength: 1, maxLength: 8 }),
        connectedAt: connectedAtArb(future.connectedAt),
        requestId: requestIdArb,
        scheduledRefresh: fc.boolean(),
      },
      { requiredKeys: ['upperCaseLoginId'] },
    ),
    startOutcomes: outcomes,
    steps: fc.array(step, { maxLength: maxSteps, size: 'max' }),
  });
}
