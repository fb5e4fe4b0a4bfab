import { initialCardState } from '../../src/domain/card-state';
import { afterDisconnect, onWebhookRefresh } from '../../src/domain/card-transitions';
import { DAY_MS } from '../../src/domain/time';

const T0 = Date.parse('2026-01-05T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const card = () =>
  initialCardState({ loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f', connectedAt: iso(T0) }, T0);

describe('onWebhookRefresh', () => {
  test('a newer LastRefresh renews the success window and settles an errored card', () => {
    const errored = { ...card(), status: 'errored' as const };
    const next = onWebhookRefresh(errored, iso(T0 + DAY_MS), T0 + DAY_MS);
    expect(next.status).toBe('scheduled');
    expect(next.lastSuccessfulRefreshAt).toBe(iso(T0 + DAY_MS));
    expect(next.deliveredRefreshAt).toBe(iso(T0 + DAY_MS));
  });

  test('a redelivery (same or older LastRefresh) changes nothing', () => {
    const once = onWebhookRefresh(card(), iso(T0 + DAY_MS), T0 + DAY_MS);
    expect(onWebhookRefresh(once, iso(T0 + DAY_MS), T0 + 2 * DAY_MS)).toBe(once);
    expect(onWebhookRefresh(once, iso(T0), T0 + 2 * DAY_MS)).toBe(once);
  });

  test('without a LastRefresh the delivery time counts', () => {
    expect(onWebhookRefresh(card(), null, T0 + DAY_MS).lastSuccessfulRefreshAt).toBe(iso(T0 + DAY_MS));
  });

  test('a LastRefresh in the future counts as now (issue 12, finding 4)', () => {
    const now = T0 + DAY_MS;
    const pinned = onWebhookRefresh(card(), '2099-01-01T00:00:00.000Z', now);
    expect(pinned.lastSuccessfulRefreshAt).toBe(iso(now));
    expect(pinned.deliveredRefreshAt).toBe(iso(now));
    // The next real refresh renews the card again, where a 2099 value would have hidden every later one.
    const next = onWebhookRefresh(pinned, iso(now + DAY_MS), now + DAY_MS);
    expect(next.lastSuccessfulRefreshAt).toBe(iso(now + DAY_MS));
  });

  test('a bank clock a little ahead of ours counts as now too: no window starts in the future', () => {
    const now = T0 + DAY_MS;
    expect(onWebhookRefresh(card(), iso(now + 60_000), now).lastSuccessfulRefreshAt).toBe(iso(now));
  });

  test('a disconnected card ignores it', () => {
    const gone = afterDisconnect(card());
    expect(onWebhookRefresh(gone, iso(T0 + DAY_MS), T0 + DAY_MS)).toBe(gone);
  });
});
