// The pieces that decide whether a live login may be sent (again): what earlier attempts heartbeated, which failures
// prove the Authorize opened no session, which transport failures prove it never reached Flinks (real sockets), and
// how often a pending call heartbeats.
import { createServer, type Server } from 'node:net';
import { type FlinksFailure } from '../../src/domain/refresh-outcomes';
import { heartbeatEveryMs } from '../../src/activities/heartbeats';
import { earlierLiveLogin, retryLiveLogin } from '../../src/activities/live-login';
import { FlinksApiError, FlinksClient } from '../../src/flinks';
import { neverReachedFlinks } from '../../src/flinks/never-reached-flinks';
import { startSimulator, type Simulator } from '../../src/simulator';

const SECRET = 'live-login-test-secret';

function failure(code: string, httpStatus: number | null): FlinksFailure {
  return { code, message: code, httpStatus, requestId: null, stage: 'authorize' };
}

describe('earlierLiveLogin', () => {
  test('a first attempt has sent nothing, whatever the details say', () => {
    expect(earlierLiveLogin(1, { requestId: 'r1', authorizeSent: true })).toEqual({
      requestId: null,
      authorizeSent: false,
    });
  });

  test('a retry sees the marker, the requestId, or nothing', () => {
    expect(earlierLiveLogin(2, { requestId: null, authorizeSent: true })).toEqual({
      requestId: null,
      authorizeSent: true,
    });
    expect(earlierLiveLogin(2, { requestId: 'r1', authorizeSent: true })).toEqual({
      requestId: 'r1',
      authorizeSent: true,
    });
    expect(earlierLiveLogin(3, { requestId: null, authorizeSent: false })).toEqual({
      requestId: null,
      authorizeSent: false,
    });
    expect(earlierLiveLogin(2, undefined)).toEqual({ requestId: null, authorizeSent: false });
  });

  test('details from before the marker were heartbeated after a login: `{ requestId }`, or `{ requestId: null }`', () => {
    expect(earlierLiveLogin(2, { requestId: 'r1' })).toEqual({ requestId: 'r1', authorizeSent: true });
    expect(earlierLiveLogin(2, { requestId: null })).toEqual({ requestId: null, authorizeSent: true });
    expect(earlierLiveLogin(2, 'garbage')).toEqual({ requestId: null, authorizeSent: false });
    expect(earlierLiveLogin(2, {})).toEqual({ requestId: null, authorizeSent: false });
  });
});

describe('retryLiveLogin', () => {
  test('anything transient may be retried while the Authorize cannot have reached Flinks', () => {
    for (const f of [
      failure('NETWORK_ERROR', null),
      failure('TIMEOUT', null),
      failure('MALFORMED_RESPONSE', 200),
      failure('AGGREGATION_ERROR', 500),
    ]) {
      expect(retryLiveLogin(f, false)).toBe(true);
    }
  });

  test('once it may have arrived, only an answer that refused it before any login is retried', () => {
    expect(retryLiveLogin(failure('TOO_MANY_REQUESTS', 401), true)).toBe(true);
    expect(retryLiveLogin(failure('CONCURRENT_SESSION', 400), true)).toBe(true);
    expect(retryLiveLogin(failure('CARD_IN_USE', 400), true)).toBe(true);
    expect(retryLiveLogin(failure('NETWORK_ERROR', null), true)).toBe(false);
    expect(retryLiveLogin(failure('TIMEOUT', null), true)).toBe(false);
    expect(retryLiveLogin(failure('MALFORMED_RESPONSE', 200), true)).toBe(false);
    expect(retryLiveLogin(failure('AGGREGATION_ERROR', 500), true)).toBe(false);
    expect(retryLiveLogin(failure('RETRY_LATER', 400), true)).toBe(false);
  });
});

describe('heartbeatEveryMs', () => {
  test('a third of the heartbeat timeout, at most 10 s', () => {
    expect(heartbeatEveryMs(60_000)).toBe(10_000);
    expect(heartbeatEveryMs(15_000)).toBe(5_000);
    expect(heartbeatEveryMs(300)).toBe(100);
    expect(heartbeatEveryMs(undefined)).toBe(10_000);
    expect(heartbeatEveryMs(0)).toBe(10_000);
  });
});

describe('neverReachedFlinks (real sockets)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ secretKey: SECRET, pollsBeforeReady: 0 });
  });
  afterAll(() => sim.close());

  async function authorizeError(baseUrl: string, loginId: string): Promise<unknown> {
    const flinks = new FlinksClient({ baseUrl, secretKey: SECRET, connectTimeoutMs: 2_000 });
    try {
      await flinks.authorize({ loginId, mostRecentCached: false, save: true });
      return null;
    } catch (error) {
      return error;
    } finally {
      await flinks.close();
    }
  }

  test('a refused connection never reached Flinks', async () => {
    // A port that was just free: nothing listens there.
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await authorizeError(`http://127.0.0.1:${port}/v3/x/BankingServices`, 'login');
    expect(error).toBeInstanceOf(FlinksApiError);
    expect(error).toMatchObject({ flinksCode: 'NETWORK_ERROR', httpStatus: null });
    expect(neverReachedFlinks(error)).toBe(true);
  });

  test('a connection dropped after Flinks processed the request may have reached it', async () => {
    const { loginId } = await sim.admin.createCard({ scenario: 'healthy' });
    await sim.admin.setFaults({ lostAnswerRate: 1, endpoints: ['Authorize'] });
    const error = await authorizeError(sim.baseUrl, loginId);
    await sim.admin.clearFaults();
    expect(error).toMatchObject({ flinksCode: 'NETWORK_ERROR', httpStatus: null });
    expect(neverReachedFlinks(error)).toBe(false);
  });

  test('an answer is no proof of anything', () => {
    const answered = new FlinksApiError({
      endpoint: 'Authorize',
      httpStatus: 500,
      flinksCode: 'AGGREGATION_ERROR',
      message: 'x',
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(neverReachedFlinks(answered)).toBe(false);
    expect(neverReachedFlinks(new Error('not a Flinks error'))).toBe(false);
  });
});
