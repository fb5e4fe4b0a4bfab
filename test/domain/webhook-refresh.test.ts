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

  test('a disconnected card ignores it', () => {
    const gone = afterDisconnect(card());
    expect(onWebhookRefresh(gone, iso(T0 + DAY_MS), T0 + DAY_MS)).toBe(gone);
  });
});

test('a LastRefresh ahead of the clock counts as now, never as the future (issue 12, finding 4)', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const state = onWebhookRefresh(
    initialCardState(
      { loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f', connectedAt: '2026-12-01T00:00:00Z' },
      now,
    ),
    '2099-01-01T00:00:00Z',
    now,
  );
  expect(state.lastSuccessfulRefreshAt).toBe(new Date(now).toISOString());
});
