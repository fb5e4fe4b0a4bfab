import { randomUUID } from 'node:crypto';
import { type SecurityQuestion } from './sandbox';
import { type AccountsQuery } from './sandbox-data';

export type SessionMode = 'cached' | 'live';
/** `ended`: a live refresh that failed (bank error, wrong MFA answer); its data calls are refused. */
export type SessionState = 'awaiting-mfa' | 'authorized' | 'ended';
export type DataKind = 'detail' | 'summary';

export interface DataProgress {
  /** 202s answered so far for this operation. */
  pendingAnswered: number;
  /** What the sync call asked for: Async polls answer the same. */
  query: AccountsQuery | null;
}

export interface Session {
  requestId: string;
  loginId: string;
  mode: SessionMode;
  state: SessionState;
  challenge: SecurityQuestion | null;
  lastActivityAt: number;
  pollsBeforeReady: number;
  /** slow cards: the sync call reports OPERATION_DISPATCHED (moved to the background queue). */
  dispatchOnFirstCall: boolean;
  progress: Record<DataKind, DataProgress>;
  /** A live session whose data came back: the refresh is over, it no longer blocks the card. */
  delivered: boolean;
  deliveredAt: number | null;
}

export type NewSession = Pick<Session, 'loginId' | 'mode' | 'state' | 'challenge' | 'pollsBeforeReady' | 'dispatchOnFirstCall'>;

const SWEEP_EVERY = 256;

/** RequestIds and their inactivity expiry (Flinks: 8 minutes), indexed by card for the conflict check. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly byCard = new Map<string, Set<Session>>();
  private createdSinceSweep = 0;

  constructor(private readonly ttlMs: number) {}

  create(init: NewSession, now: number): Session {
    this.sweepSometimes(now);
    const session: Session = {
      ...init,
      requestId: randomUUID(),
      lastActivityAt: now,
      progress: { detail: { pendingAnswered: 0, query: null }, summary: { pendingAnswered: 0, query: null } },
      delivered: false,
      deliveredAt: null,
    };
    this.sessions.set(session.requestId.toLowerCase(), session);
    const key = session.loginId.toLowerCase();
    const ofCard = this.byCard.get(key) ?? new Set<Session>();
    ofCard.add(session);
    this.byCard.set(key, ofCard);
    return session;
  }

  /** The live session, or undefined when unknown or idle for longer than the TTL (then forgotten). */
  find(requestId: string, now: number): Session | undefined {
    const session = this.sessions.get(requestId.toLowerCase());
    if (session === undefined) return undefined;
    if (this.isExpired(session, now)) {
      this.remove(session);
      return undefined;
    }
    return session;
  }

  touch(session: Session, now: number): void {
    session.lastActivityAt = Math.max(session.lastActivityAt, now);
  }

  /** A live refresh of `loginId` that has neither finished, failed nor expired. */
  inProgress(loginId: string, now: number): Session | undefined {
    for (const session of this.byCard.get(loginId.toLowerCase()) ?? []) {
      if (session.mode === 'live' && session.state !== 'ended' && !session.delivered && !this.isExpired(session, now)) {
        return session;
      }
    }
    return undefined;
  }

  forget(requestId: string): void {
    const session = this.sessions.get(requestId.toLowerCase());
    if (session !== undefined) this.remove(session);
  }

  forgetCard(loginId: string): void {
    for (const session of this.byCard.get(loginId.toLowerCase()) ?? []) this.remove(session);
  }

  private remove(session: Session): void {
    this.sessions.delete(session.requestId.toLowerCase());
    const key = session.loginId.toLowerCase();
    const ofCard = this.byCard.get(key);
    ofCard?.delete(session);
    if (ofCard?.size === 0) this.byCard.delete(key);
  }

  private isExpired(session: Session, now: number): boolean {
    return now - session.lastActivityAt > this.ttlMs;
  }

  private sweepSometimes(now: number): void {
    this.createdSinceSweep += 1;
    if (this.createdSinceSweep < SWEEP_EVERY) return;
    this.createdSinceSweep = 0;
    for (const session of this.sessions.values()) {
      if (this.isExpired(session, now)) this.remove(session);
    }
  }
}
