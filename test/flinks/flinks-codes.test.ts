import {
  classifyFlinksError,
  ELIGIBILITY_KEEPING_CODES,
  FLINKS_CODES,
  isEligibilityKeeping,
  lookupFlinksCode,
  normalizeFlinksCode,
} from '../../src/domain/flinks-codes';

type Row = [code: string, transient: boolean, userFixable: boolean, keepsEligibility: boolean];

// Every code of the reference (§10, the nightly guide, Connect's handled errors) and our synthetic ones.
const EXPECTED: Row[] = [
  ['OK', false, false, false],
  ['CREATED', false, false, false],
  ['OPERATION_PENDING', true, false, false],
  ['OPERATION_DISPATCHED', true, false, false],
  ['SESSION_NONEXISTENT', true, false, true],
  ['SESSION_EXPIRED', true, false, true],
  ['CARD_IN_USE', true, false, false],
  ['CONCURRENT_SESSION', true, false, false],
  ['INVALID_LOGIN', false, true, false],
  ['INVALID_REQUEST', false, false, false],
  ['ACCESS_DENIED', false, false, false],
  ['INVALID_USERNAME', false, true, false],
  ['INVALID_PASSWORD', false, true, false],
  ['INVALID_SECURITY_RESPONSE', false, true, false],
  ['INVALID_SECURITY_RESPONSE_NO_RETRY', false, true, false],
  ['QUESTION_NOT_FOUND', false, true, false],
  ['UNKNOWN_CHALLENGE_KEY', false, true, false],
  ['SECURITYRESPONSES_INCOMPLETE', false, true, false],
  ['DISABLED_LOGIN', false, true, false],
  ['NEW_ACCOUNT', false, true, false],
  ['RETRY_LATER', true, false, true],
  ['TOO_MANY_REQUESTS', true, false, false],
  ['UNAUTHORIZED', false, false, true],
  ['DISABLED_INSTITUTION', false, false, true],
  ['AGGREGATION_ERROR', true, false, true],
  ['BANK MAINTENANCE_RETRY_LATER', true, false, true],
  ['BANK_MAINTENANCE_RETRY_LATER', true, false, true],
  ['ALREADY_AUTHORIZED', false, false, false],
  ['NO_TRANSACTION', false, false, false],
  ['METHOD_NOT_AVAILABLE', false, false, false],
  ['NETWORK_ERROR', true, false, false],
  ['TIMEOUT', true, false, false],
  ['OPERATION_TIMEOUT', true, false, false],
  ['MALFORMED_RESPONSE', true, false, false],
  ['LIVE_SESSION_LOST', false, false, false],
];

describe('classifyFlinksError: every known code', () => {
  test.each(EXPECTED)(
    '%s → transient %s, userFixable %s, keepsEligibility %s',
    (code, transient, userFixable, keeps) => {
      expect(classifyFlinksError({ flinksCode: code, httpStatus: null })).toEqual({
        transient,
        userFixable,
        keepsEligibility: keeps,
      });
    },
  );

  test('the table and the expectations cover the same codes', () => {
    const expected = new Set(EXPECTED.map(([code]) => normalizeFlinksCode(code)));
    expect(new Set(Object.keys(FLINKS_CODES))).toEqual(expected);
  });

  test.each(EXPECTED)('%s classifies by code whatever the HTTP status says', (code) => {
    if (code === 'MALFORMED_RESPONSE') return; // the one code whose status matters, tested below
    const reference = classifyFlinksError({ flinksCode: code, httpStatus: null });
    for (const status of [200, 400, 401, 403, 405, 500, 503]) {
      expect(classifyFlinksError({ flinksCode: code, httpStatus: status })).toEqual(reference);
    }
  });

  test('codes are matched whatever their case and surrounding whitespace', () => {
    expect(classifyFlinksError({ flinksCode: ' retry_later ', httpStatus: 401 }).transient).toBe(true);
    expect(classifyFlinksError({ flinksCode: 'question_not_found', httpStatus: 401 }).userFixable).toBe(true);
  });
});

describe('classifyFlinksError: unknown codes fall back to the HTTP status', () => {
  test.each([500, 502, 503, 504, 599, 408, 429])('unknown code with HTTP %i is transient', (status) => {
    expect(classifyFlinksError({ flinksCode: 'SOMETHING_NEW', httpStatus: status })).toEqual({
      transient: true,
      userFixable: false,
      keepsEligibility: false,
    });
  });

  test.each([400, 401, 403, 404, 405, 409, 422])(
    'unknown code with HTTP %i is neither transient nor user-fixable',
    (status) => {
      expect(classifyFlinksError({ flinksCode: `HTTP_${status}`, httpStatus: status })).toEqual({
        transient: false,
        userFixable: false,
        keepsEligibility: false,
      });
    },
  );

  test('no code and no status: permanent', () => {
    expect(classifyFlinksError({ flinksCode: null, httpStatus: null })).toEqual({
      transient: false,
      userFixable: false,
      keepsEligibility: false,
    });
    expect(classifyFlinksError({ flinksCode: undefined, httpStatus: 503 }).transient).toBe(true);
  });

  test('MALFORMED_RESPONSE is transient for 2xx / 5xx / no status, not for a redirect or a plain 4xx page', () => {
    for (const status of [null, 200, 202, 500, 502, 503, 408, 429]) {
      expect(classifyFlinksError({ flinksCode: 'MALFORMED_RESPONSE', httpStatus: status }).transient).toBe(
        true,
      );
    }
    for (const status of [301, 302, 400, 401, 403, 404]) {
      expect(classifyFlinksError({ flinksCode: 'MALFORMED_RESPONSE', httpStatus: status })).toEqual({
        transient: false,
        userFixable: false,
        keepsEligibility: false,
      });
    }
  });
});

describe('eligibility helpers', () => {
  test('ELIGIBILITY_KEEPING_CODES is exactly the guide seven, with both spellings of the bank one', () => {
    expect([...ELIGIBILITY_KEEPING_CODES].sort()).toEqual(
      [
        'RETRY_LATER',
        'AGGREGATION_ERROR',
        'SESSION_EXPIRED',
        'DISABLED_INSTITUTION',
        'UNAUTHORIZED',
        'SESSION_NONEXISTENT',
        'BANK MAINTENANCE_RETRY_LATER',
        'BANK_MAINTENANCE_RETRY_LATER',
      ].sort(),
    );
    expect(new Set(ELIGIBILITY_KEEPING_CODES.map(normalizeFlinksCode)).size).toBe(7);
  });

  test('the table agrees with the list', () => {
    const keeping = Object.entries(FLINKS_CODES)
      .filter(([, info]) => info.keepsEligibility)
      .map(([code]) => code)
      .sort();
    expect(keeping).toEqual([...new Set(ELIGIBILITY_KEEPING_CODES.map(normalizeFlinksCode))].sort());
  });

  test.each(EXPECTED)('isEligibilityKeeping(%s)', (code, _t, _u, keeps) => {
    expect(isEligibilityKeeping(code)).toBe(keeps);
  });

  test('null, undefined, empty and unknown codes do not keep eligibility', () => {
    expect(isEligibilityKeeping(null)).toBe(false);
    expect(isEligibilityKeeping(undefined)).toBe(false);
    expect(isEligibilityKeeping('')).toBe(false);
    expect(isEligibilityKeeping('SOMETHING_NEW')).toBe(false);
  });
});

describe('normalizeFlinksCode and lookupFlinksCode', () => {
  test('spaces become underscores, case and padding go', () => {
    expect(normalizeFlinksCode('BANK MAINTENANCE_RETRY_LATER')).toBe('BANK_MAINTENANCE_RETRY_LATER');
    expect(normalizeFlinksCode('  bank   maintenance_retry_later\n')).toBe('BANK_MAINTENANCE_RETRY_LATER');
    expect(normalizeFlinksCode('RETRY_LATER')).toBe('RETRY_LATER');
  });

  test('lookups never hit Object.prototype', () => {
    expect(lookupFlinksCode('constructor')).toBeUndefined();
    expect(lookupFlinksCode('__proto__')).toBeUndefined();
    expect(lookupFlinksCode('toString')).toBeUndefined();
  });

  test('synthetic codes are marked as such', () => {
    for (const code of ['NETWORK_ERROR', 'TIMEOUT', 'OPERATION_TIMEOUT', 'MALFORMED_RESPONSE']) {
      expect(lookupFlinksCode(code)?.origin).toBe('synthetic');
    }
    expect(lookupFlinksCode('RETRY_LATER')?.origin).toBe('flinks');
  });

  test('the module imports nothing at runtime (it is bundled into workflows)', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(require.resolve('../../src/domain/flinks-codes'), 'utf8');
    const imports = source.split('\n').filter((line) => /^\s*import\s/.test(line));
    expect(imports.every((line) => /^\s*import\s+type\s/.test(line))).toBe(true);
  });
});
