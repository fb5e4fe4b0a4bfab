// Which refusals park a notification, and the bounded list a card keeps of them.
import { type CardState, initialCardState, keepBackgroundUpdates } from '../../src/domain/card-state';
import { defaultCardPolicy } from '../../src/domain/card-policy';
import { describeCard, toCardView } from '../../src/domain/card-view';
import {
  isPermanentRejection,
  parkNotification,
  UNDELIVERABLE_KEPT,
  type UndeliverableNotification,
} from '../../src/domain/undeliverable-notifications';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const parked = (n: number, status: number | null = 410): UndeliverableNotification => ({
  idempotencyKey: `run:${n}`,
  type: 'card.status-changed',
  at: new Date(T0 + n).toISOString(),
  parkedAt: new Date(T0 + n + 1).toISOString(),
  status,
  reason: `backend answered ${status} to notification run:${n}`,
});
const card = (): CardState =>
  initialCardState(
    { loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f', connectedAt: new Date(T0).toISOString() },
    T0,
  );

test.each([
  [400, true],
  [401, true],
  [404, true],
  [410, true],
  [422, true],
  [301, true],
  [408, false],
  [429, false],
  [500, false],
  [503, false],
  [204, false],
])('HTTP %i is a permanent rejection: %s', (status, permanent) => {
  expect(isPermanentRejection(status)).toBe(permanent);
});

test(`the list keeps the last ${UNDELIVERABLE_KEPT}, newest last`, () => {
  let list: UndeliverableNotification[] | undefined;
  for (let n = 1; n <= UNDELIVERABLE_KEPT + 5; n += 1) list = parkNotification(list, parked(n));
  expect(list).toHaveLength(UNDELIVERABLE_KEPT);
  expect(list?.[0]?.idempotencyKey).toBe('run:6');
  expect(list?.at(-1)?.idempotencyKey).toBe(`run:${UNDELIVERABLE_KEPT + 5}`);
});

test('a transition computed from an older snapshot keeps what the outbox parked meanwhile', () => {
  const before = card();
  const now = { ...before, undeliverableNotifications: parkNotification(undefined, parked(1)) };
  const next = { ...before, status: 'errored' as const };
  expect(keepBackgroundUpdates(next, now)).toEqual({ ...next, undeliverableNotifications: [parked(1)] });
  expect(keepBackgroundUpdates(next, before)).toBe(next);
});

test('a transition computed from an older snapshot keeps the malformed messages counted meanwhile', () => {
  const before = card();
  const now = { ...before, malformedMessages: { count: 3, lastReason: 'reconnected: requestId: Required' } };
  const next = { ...before, status: 'errored' as const };
  expect(keepBackgroundUpdates(next, now)).toEqual({ ...next, malformedMessages: now.malformedMessages });
  // A transition that counted one itself (runs from before the count moved to the signal handler) keeps its own.
  const counted = { ...now, malformedMessages: { count: 4, lastReason: 'x' } };
  expect(keepBackgroundUpdates(counted, now)).toBe(counted);
});

test('the view shows the list only when there is one; the details say so in one line', () => {
  const none = card();
  expect(toCardView(none, defaultCardPolicy, T0)).not.toHaveProperty('undeliverableNotifications');
  expect(describeCard(none, defaultCardPolicy, T0, null)).not.toContain('Undeliverable');
  const some = { ...none, undeliverableNotifications: [parked(1), parked(2, null)] };
  expect(toCardView(some, defaultCardPolicy, T0).undeliverableNotifications).toEqual([
    parked(1),
    parked(2, null),
  ]);
  expect(describeCard(some, defaultCardPolicy, T0, null)).toContain(
    `Undeliverable notifications: 2 (the backend refused them for good; see the state query). Last: card.status-changed run:2, no answer, parked at ${parked(2).parkedAt}.`,
  );
});
