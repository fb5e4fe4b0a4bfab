import {
  cardInputSchema,
  cardStatuses,
  describeZodError,
  disconnectSchema,
  loginIdSchema,
  nightlyStatusSchema,
  reconnectedSchema,
  setScheduledRefreshSchema,
} from '../../src/domain/card-messages';

const LOGIN_ID = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';

function errorOf(result: { success: boolean; error?: Parameters<typeof describeZodError>[0] }): string {
  if (result.success || !result.error) throw new Error('expected the payload to be refused');
  return describeZodError(result.error);
}

describe('loginIdSchema', () => {
  test.each([LOGIN_ID, LOGIN_ID.toUpperCase(), '00000000-0000-0000-0000-000000000000'])(
    'accepts the UUID %s',
    (id) => {
      expect(loginIdSchema.safeParse(id).success).toBe(true);
    },
  );

  test.each([
    'not-a-uuid',
    '',
    `${LOGIN_ID}0`,
    LOGIN_ID.replace(/-/g, ''),
    ` ${LOGIN_ID}`,
    '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6g',
  ])('refuses %j', (id) => {
    const result = loginIdSchema.safeParse(id);
    expect(result.success).toBe(false);
    expect(errorOf(result)).toContain('loginId must be a UUID');
  });

  test('refuses a missing or non-string loginId with a clear message', () => {
    expect(errorOf(loginIdSchema.safeParse(undefined))).toContain('loginId is required');
    expect(errorOf(loginIdSchema.safeParse(42))).toContain('loginId must be a string');
  });
});

describe('cardInputSchema', () => {
  test('accepts the contract input', () => {
    const input = {
      loginId: LOGIN_ID,
      institution: 'FlinksCapital',
      connectedAt: '2026-01-05T12:00:00Z',
      requestId: 'req-1',
      scheduledRefresh: false,
    };
    expect(cardInputSchema.parse(input)).toEqual(input);
  });

  test('accepts a connectedAt with an offset', () => {
    expect(
      cardInputSchema.safeParse({ loginId: LOGIN_ID, connectedAt: '2026-01-05T13:00:00+01:00' }).success,
    ).toBe(true);
  });

  test('names the loginId field when it is not a UUID', () => {
    expect(errorOf(cardInputSchema.safeParse({ loginId: 'abc' }))).toBe('loginId: loginId must be a UUID');
  });

  test('names connectedAt when it is not an ISO timestamp', () => {
    const message = errorOf(cardInputSchema.safeParse({ loginId: LOGIN_ID, connectedAt: 'yesterday' }));
    expect(message).toBe('connectedAt: must be an ISO-8601 timestamp');
  });

  test('lists every field at fault', () => {
    const message = errorOf(cardInputSchema.safeParse({ loginId: 'abc', scheduledRefresh: 'yes' }));
    expect(message).toContain('loginId: ');
    expect(message).toContain('scheduledRefresh: ');
    expect(message.split('; ')).toHaveLength(2);
  });
});

describe('signal schemas', () => {
  test('nightlyStatus accepts a listed and a not-listed card', () => {
    expect(nightlyStatusSchema.safeParse({ routineId: 'r', ineligible: null }).success).toBe(true);
    const listed = {
      routineId: 'r',
      ineligible: { lastRefreshDate: null, lastRefreshState: 'Failed', lastRefreshErrorCode: 'RETRY_LATER' },
      maxDataAgeMs: 3_600_000,
    };
    expect(nightlyStatusSchema.parse(listed)).toEqual(listed);
  });

  test('nightlyStatus names a nested field at fault', () => {
    const message = errorOf(
      nightlyStatusSchema.safeParse({
        routineId: 'r',
        ineligible: { lastRefreshDate: null, lastRefreshState: null, lastRefreshErrorCode: 7 },
      }),
    );
    expect(message).toMatch(/^ineligible\.lastRefreshErrorCode: /);
  });

  test('nightlyStatus refuses an empty routineId and a non-positive maxDataAgeMs', () => {
    expect(errorOf(nightlyStatusSchema.safeParse({ routineId: '', ineligible: null }))).toMatch(
      /^routineId: /,
    );
    expect(
      errorOf(nightlyStatusSchema.safeParse({ routineId: 'r', ineligible: null, maxDataAgeMs: 0 })),
    ).toMatch(/^maxDataAgeMs: /);
  });

  test('nightlyStatus requires ineligible to be present (null when not listed)', () => {
    expect(errorOf(nightlyStatusSchema.safeParse({ routineId: 'r' }))).toMatch(/^ineligible: /);
  });

  test('a payload that is not an object is reported as (payload)', () => {
    expect(errorOf(reconnectedSchema.safeParse('req-1'))).toMatch(/^\(payload\): /);
  });

  test('reconnected needs a requestId', () => {
    expect(reconnectedSchema.safeParse({ requestId: 'req-1' }).success).toBe(true);
    expect(errorOf(reconnectedSchema.safeParse({}))).toMatch(/^requestId: /);
  });

  test('setScheduledRefresh needs a boolean', () => {
    expect(setScheduledRefreshSchema.safeParse({ enabled: true }).success).toBe(true);
    expect(errorOf(setScheduledRefreshSchema.safeParse({ enabled: 'true' }))).toMatch(/^enabled: /);
  });

  test('disconnect takes an optional deleteData', () => {
    expect(disconnectSchema.parse({})).toEqual({});
    expect(disconnectSchema.parse({ deleteData: true })).toEqual({ deleteData: true });
    expect(disconnectSchema.safeParse({ deleteData: 'yes' }).success).toBe(false);
  });
});

describe('card statuses', () => {
  test('are the six of the contract', () => {
    expect([...cardStatuses].sort()).toEqual(
      ['awaiting-user-mfa', 'disconnected', 'errored', 'refreshing', 'scheduled', 'unscheduled'].sort(),
    );
  });
});

describe('timestamps a card can compute windows from', () => {
  test.each(['2026-01-05T12:00:00+99:99', '9999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'not a date'])(
    'connectedAt %s is refused',
    (connectedAt) => {
      const parsed = cardInputSchema.safeParse({
        loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f',
        connectedAt,
      });
      expect(parsed.success).toBe(false);
    },
  );

  test('an ordinary instant with an offset is accepted', () => {
    const parsed = cardInputSchema.safeParse({
      loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f',
      connectedAt: '2026-01-05T12:00:00-05:00',
    });
    expect(parsed.success).toBe(true);
  });
});
