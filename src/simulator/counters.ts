export const callKinds = [
  'token',
  'authorize-cached',
  'authorize-live',
  'authorize-mfa-answer',
  'accounts-detail',
  'accounts-detail-async',
  'accounts-summary',
  'accounts-summary-async',
  'nightly-status',
  'set-scheduled-refresh',
  'delete-card',
] as const;
export type CallKind = (typeof callKinds)[number];

/** Faults the simulator applied (not merely drew): a hang counts when a request is held, whether or not its client waits. */
export const faultKinds = [
  'latency',
  'hang',
  'aggregation-error',
  'too-many-requests',
  'malformed',
  'expired-request-id',
  'lost-answer',
  'slow-answer',
] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface RequestLogEntry {
  /** Real (wall-clock) arrival time in ms: rate tests measure the client, not the virtual clock. */
  at: number;
  endpoint: string;
  kind?: CallKind;
  loginId?: string;
  /** 0 until answered (and forever when the client went away first). */
  status: number;
}

export interface SimCounters {
  total: number;
  byEndpoint: Record<string, number>;
  /** Every kind, card or not (`token` and `nightly-status` concern no card). */
  byKind: Partial<Record<CallKind, number>>;
  byCard: Record<string, Partial<Record<CallKind, number>>>;
  /** Live refreshes started per card, per UTC date of the virtual clock. */
  liveRefreshesByCardAndNight: Record<string, Record<string, number>>;
  /** Refreshes the simulated Flinks nightly job ran per card. */
  nightlyRefreshes: Record<string, number>;
  /** Injected faults applied, by kind. */
  faultsInjected: Partial<Record<FaultKind, number>>;
}

function emptyCounters(): SimCounters {
  return { total: 0, byEndpoint: {}, byKind: {}, byCard: {}, liveRefreshesByCardAndNight: {}, nightlyRefreshes: {}, faultsInjected: {} };
}

function increment<K extends string>(record: Partial<Record<K, number>>, key: K): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Request counters and a bounded request log, for assertions in tests and the benchmark. */
export class Counters {
  private counts = emptyCounters();
  private entries: RequestLogEntry[] = [];

  constructor(private readonly logSize: number) {}

  /** Counts one Flinks API request; the returned entry is completed as the request is understood. */
  request(endpoint: string, at: number): RequestLogEntry {
    this.counts.total += 1;
    increment(this.counts.byEndpoint, endpoint);
    const entry: RequestLogEntry = { at, endpoint, status: 0 };
    this.entries.push(entry);
    if (this.entries.length > this.logSize) this.entries.splice(0, this.entries.length - this.logSize);
    return entry;
  }

  kind(entry: RequestLogEntry, kind: CallKind, loginId?: string): void {
    entry.kind = kind;
    increment(this.counts.byKind, kind);
    if (loginId !== undefined) this.card(entry, loginId);
  }

  /** Attributes an already-classified request to a card once its loginId is known. */
  card(entry: RequestLogEntry, loginId: string): void {
    if (entry.loginId !== undefined || entry.kind === undefined) return;
    entry.loginId = loginId;
    increment((this.counts.byCard[loginId] ??= {}), entry.kind);
  }

  liveRefresh(loginId: string, utcDate: string): void {
    increment((this.counts.liveRefreshesByCardAndNight[loginId] ??= {}), utcDate);
  }

  nightlyRefresh(loginId: string): void {
    increment(this.counts.nightlyRefreshes, loginId);
  }

  fault(kind: FaultKind): void {
    increment(this.counts.faultsInjected, kind);
  }

  snapshot(): SimCounters {
    return structuredClone(this.counts);
  }

  log(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.counts = emptyCounters();
    this.entries = [];
  }
}
