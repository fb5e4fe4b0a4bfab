import { isLoopback } from '../../src/simulator/admin-http';
import { type CardState, eligibility } from '../../src/simulator/cards';
import { keepsEligibility } from '../../src/simulator/codes';
import { slotOffsetMs } from '../../src/simulator/nightly';
import { Prng } from '../../src/simulator/random';
import { formatFlinksDate } from '../../src/simulator/time';
import { DAY, HOUR, T0 } from './helpers';

describe('simulator pure helpers', () => {
  it('formats Flinks datetimes: UTC, no zone, seven fractional digits', () => {
    expect(formatFlinksDate(Date.parse('2026-01-21T20:47:47.145Z'))).toBe('2026-01-21T20:47:47.1450000');
  });

  it("places every card's nightly slot inside 04:00-08:00 UTC", () => {
    const prng = new Prng(3);
    for (let i = 0; i < 500; i += 1) {
      const offset = slotOffsetMs(`card-${i}-${prng.next()}`);
      expect(offset).toBeGreaterThanOrEqual(4 * HOUR);
      expect(offset).toBeLessThan(8 * HOUR);
    }
    expect(slotOffsetMs('A-B')).toBe(slotOffsetMs('a-b'));
  });

  it('serves /admin to loopback clients only (unless allowRemoteAdmin)', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.5', '::ffff:192.168.1.2', undefined])
      expect(isLoopback(address)).toBe(false);
  });

  it('draws the same stream from the same seed', () => {
    const a = new Prng(9);
    const b = new Prng(9);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(new Prng(1).chance(0)).toBe(false);
    expect(new Prng(1).chance(1)).toBe(true);
  });

  describe("eligibility (the guide's criteria)", () => {
    const card = (overrides: Partial<CardState> = {}): CardState => ({
      loginId: 'x',
      scenario: 'healthy',
      scenarioOptions: {},
      institution: 'FlinksCapital',
      username: 'Greatday',
      scheduledRefresh: true,
      createdAt: T0,
      lastSuccessfulRefreshAt: T0,
      lastCachedCallAt: T0,
      lastRefreshAttemptAt: T0,
      lastRefreshState: 'Completed',
      lastError: null,
      forcedNight: null,
      ...overrides,
    });
    const at = T0 + 7 * DAY;

    it('is eligible on the seventh day, not after', () => {
      expect(eligibility(card(), at, { webhooks: false }).eligible).toBe(true);
      expect(eligibility(card(), at + 1, { webhooks: false }).ineligibleReason).toBe(
        'no-successful-refresh-in-7-days',
      );
    });

    it('applies each criterion', () => {
      expect(eligibility(card({ scheduledRefresh: false }), T0, { webhooks: false }).ineligibleReason).toBe(
        'scheduled-refresh-off',
      );
      expect(
        eligibility(card({ lastSuccessfulRefreshAt: null }), T0, { webhooks: false }).ineligibleReason,
      ).toBe('no-successful-refresh-in-7-days');
      const noCached = card({ lastCachedCallAt: T0 - 8 * DAY });
      expect(eligibility(noCached, T0, { webhooks: false }).ineligibleReason).toBe(
        'no-cached-call-in-7-days',
      );
      expect(eligibility(noCached, T0, { webhooks: true }).eligible).toBe(true);
      const errored = card({ lastError: { code: 'INVALID_PASSWORD', message: '', at: T0 } });
      expect(eligibility(errored, T0, { webhooks: false }).ineligibleReason).toBe('authorize-error');
    });

    it.each([
      'RETRY_LATER',
      'AGGREGATION_ERROR',
      'SESSION_EXPIRED',
      'DISABLED_INSTITUTION',
      'UNAUTHORIZED',
      'SESSION_NONEXISTENT',
      'BANK MAINTENANCE_RETRY_LATER',
      'BANK_MAINTENANCE_RETRY_LATER',
    ])('keeps eligibility after %s', (code) => {
      expect(keepsEligibility(code)).toBe(true);
    });

    it.each([
      'QUESTION_NOT_FOUND',
      'INVALID_PASSWORD',
      'INVALID_SECURITY_RESPONSE',
      'DISABLED_LOGIN',
      'TOO_MANY_REQUESTS',
    ])('loses eligibility after %s', (code) => {
      expect(keepsEligibility(code)).toBe(false);
    });
  });
});
