import { abortableSleep } from '../../src/flinks/abortable-sleep';
import { normalizeFlinksDateTime } from '../../src/flinks/flinks-datetime';
import { redactingLogger } from '../../src/flinks/logger';
import { RateLimiter } from '../../src/flinks/rate-limiter';
import { Redactor } from '../../src/flinks/redactor';
import { accountsDetailSchema } from '../../src/flinks/schemas';
import { summarizeAccountsDetail } from '../../src/flinks/summarize';
import { caught, captureLogger } from './test-server';

describe('normalizeFlinksDateTime', () => {
  test.each([
    ['2026-01-21T20:47:47.1459990', '2026-01-21T20:47:47.145Z'],
    ['2026-01-21T20:47:47.145999', '2026-01-21T20:47:47.145Z'],
    ['2020-06-18T03:26:34.6854364', '2020-06-18T03:26:34.685Z'],
    ['2026-01-21T20:47:47.9999999', '2026-01-21T20:47:47.999Z'],
    ['2026-01-21T20:47:47', '2026-01-21T20:47:47.000Z'],
    ['2026-01-21T20:47', '2026-01-21T20:47:00.000Z'],
    ['2026-01-21T20:47:47.1Z', '2026-01-21T20:47:47.100Z'],
    ['2026-01-21T20:47:47.1459990Z', '2026-01-21T20:47:47.145Z'],
    ['2026-01-21T15:47:47.145-05:00', '2026-01-21T20:47:47.145Z'],
    ['2026-01-21T22:47:47+0200', '2026-01-21T20:47:47.000Z'],
    [' 2026-01-21T20:47:47.1459990 ', '2026-01-21T20:47:47.145Z'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeFlinksDateTime(input)).toBe(expected);
  });

  test.each([
    '',
    'yesterday',
    '2026-01-21',
    '2026-02-30T10:00:00',
    '2026-13-01T10:00:00',
    '2026-01-21 20:47:47',
    '2026-01-21T25:00:00',
  ])('rejects %p', (input) => {
    expect(normalizeFlinksDateTime(input)).toBeNull();
  });
});

describe('Redactor', () => {
  test('replaces known secrets and tracked tokens, masks account-like digit runs, keeps GUIDs', () => {
    const redactor = new Redactor(['sk-very-secret', 'api-key-123', undefined]);
    redactor.track('tok-0001');
    const loginId = '5e2b1a3c-0000-4000-8000-706795834567';
    const text = `secret sk-very-secret key api-key-123 token tok-0001 account 7641238 card 4111111111111111 login ${loginId} port 54321`;
    const out = redactor.redact(text);
    expect(out).not.toContain('sk-very-secret');
    expect(out).not.toContain('api-key-123');
    expect(out).not.toContain('tok-0001');
    expect(out).not.toContain('7641238');
    expect(out).not.toContain('4111111111111111');
    expect(out).toContain(loginId);
    expect(out).toContain('54321');
  });

  test('remembers a bounded number of tokens, newest kept', () => {
    const redactor = new Redactor([]);
    for (let i = 0; i < 1_100; i += 1) redactor.track(`token-${i}`);
    expect(redactor.redact('token-1099')).toBe('[redacted]');
    expect(redactor.redact('token-0')).toBe('token-0');
  });

  test('the redacting logger cleans messages and string fields', () => {
    const { lines, logger } = captureLogger();
    const log = redactingLogger(logger, new Redactor(['hunter22']));
    log.warn('oops hunter22', { detail: 'with hunter22', count: 3 });
    log.info('plain');
    expect(lines.join('\n')).not.toContain('hunter22');
    expect(lines[0]).toContain('"count":3');
  });
});

const detail = accountsDetailSchema.parse({
  HttpStatusCode: 200,
  RequestId: 'req-1',
  Institution: 'FlinksCapital',
  Login: {
    Id: 'login-1',
    LastRefresh: '2026-01-21T20:47:47.1459990',
    Username: 'Greatday',
    IsScheduledRefresh: true,
  },
  Accounts: [
    { Id: 'a1', AccountNumber: '7641238', Transactions: [{ Id: 't1' }, { Id: 't2' }] },
    { Id: 'a2', AccountNumber: '9999999', Transactions: null },
    { Id: 'a3', Transactions: [{ Id: 't3' }] },
  ],
  SomethingNew: { nested: true },
});

describe('summarizeAccountsDetail', () => {
  test('keeps counts and ids only, with LastRefresh normalised', () => {
    const summary = summarizeAccountsDetail(detail);
    expect(summary).toEqual({
      loginId: 'login-1',
      lastRefresh: '2026-01-21T20:47:47.145Z',
      accounts: 3,
      transactions: 3,
      requestId: 'req-1',
    });
    expect(JSON.stringify(summary)).not.toContain('7641238');
  });

  test('unknown fields pass through the data schema untouched', () => {
    expect((detail as Record<string, unknown>)['SomethingNew']).toEqual({ nested: true });
    expect(detail.Login.LastRefresh).toBe('2026-01-21T20:47:47.1459990');
  });

  test('a login without LastRefresh gives null', () => {
    const body = accountsDetailSchema.parse({ RequestId: 'r', Login: { Id: 'l' }, Accounts: [] });
    expect(summarizeAccountsDetail(body)).toEqual({
      loginId: 'l',
      lastRefresh: null,
      accounts: 0,
      transactions: 0,
      requestId: 'r',
    });
  });
});

describe('abortableSleep', () => {
  test('resolves after the delay', async () => {
    const started = Date.now();
    await abortableSleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  test('rejects with the signal reason as soon as it aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by test');
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 20);
    expect(await caught(abortableSleep(60_000, controller.signal))).toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('an already-aborted signal rejects at once with an AbortError when no reason was given', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await caught(abortableSleep(10, controller.signal));
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('RateLimiter', () => {
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('never runs more than maxConcurrency tasks at once, in FIFO order', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 2 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        limiter.run(async () => {
          order.push(i);
          running += 1;
          peak = Math.max(peak, running);
          await tick(15);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('starts at most maxRps tasks in any one-second window', async () => {
    const limiter = new RateLimiter({ maxRps: 4 });
    const starts: number[] = [];
    const began = Date.now();
    await Promise.all(Array.from({ length: 9 }, () => limiter.run(async () => void starts.push(Date.now()))));
    // Stamped when each task runs, a little after its grant: under load a stamp can lag by a few ms.
    for (const start of starts) {
      expect(starts.filter((s) => s >= start && s < start + 950).length).toBeLessThanOrEqual(4);
    }
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_000);
  });

  test('setMaxRps(0) holds every request until a budget is set; a new budget counts the last second', async () => {
    const limiter = new RateLimiter();
    await limiter.run(async () => undefined);
    limiter.setMaxRps(0);
    let started = 0;
    const held = Promise.all([1, 2, 3].map(() => limiter.run(async () => void (started += 1))));
    await tick(50);
    expect({ started, waiting: limiter.waiting }).toEqual({ started: 0, waiting: 3 });
    // The request made while unlimited is within the window: a budget of 2 lets one more start now.
    limiter.setMaxRps(2);
    await tick(20);
    expect(started).toBe(1);
    await held;
    expect(started).toBe(3);
    expect(limiter.requestsPerSecond).toBe(2);
  });

  test('setMaxRps refuses anything but a whole number ≥ 0, naming the value', () => {
    const limiter = new RateLimiter({ maxRps: 3 });
    expect(() => limiter.setMaxRps(1.5)).toThrow('maxRps must be a whole number ≥ 0 (got 1.5)');
    expect(() => limiter.setMaxRps(-1)).toThrow('(got -1)');
    expect(limiter.requestsPerSecond).toBe(3);
  });

  test('a waiter whose signal aborts leaves the queue with its reason; the others still run', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    const reason = new Error('gone');
    const second = limiter.run(async () => 'never', controller.signal);
    const third = limiter.run(async () => 'third');
    expect(limiter.waiting).toBe(2);
    controller.abort(reason);
    expect(await caught(second)).toBe(reason);
    expect(limiter.waiting).toBe(1);
    release();
    await first;
    await expect(third).resolves.toBe('third');
    expect(limiter.inFlight).toBe(0);
  });

  test('a failing task frees its slot', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 1)).resolves.toBe(1);
  });

  test('rejects nonsensical limits', () => {
    expect(() => new RateLimiter({ maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ maxRps: 1.5 })).toThrow(RangeError);
  });
});
