import { type Simulator } from '../../src/simulator';
import { type FlinksHttp, MINUTE, startAtT0 } from './helpers';

describe('simulator sessions per loginId', () => {
  let sim: Simulator;
  let http: FlinksHttp;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
  });
  afterEach(() => sim.close());

  it('refuses a second session while a live one awaits its MFA answer: 401 CONCURRENT_SESSION', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
    expect((await http.live(loginId)).status).toBe(203);
    for (const second of [await http.live(loginId), await http.cached(loginId)]) {
      expect(second.status).toBe(401);
      expect(second.body).toMatchObject({
        HttpStatusCode: 401,
        FlinksCode: 'CONCURRENT_SESSION',
        RequestId: expect.any(String),
      });
    }
    // once the pending session expired, the card is free again
    await sim.admin.advanceClock(8 * MINUTE + 1);
    expect((await http.cached(loginId)).status).toBe(401); // replays QUESTION_NOT_FOUND, not a conflict
    expect((await http.cached(loginId)).body.FlinksCode).toBe('QUESTION_NOT_FOUND');
  });

  it('treats a live session as in progress until its data came back', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
    const live = await http.live(loginId);
    expect((await http.detail(live.body.RequestId)).status).toBe(202);
    expect((await http.live(loginId)).body.FlinksCode).toBe('CONCURRENT_SESSION');
    expect((await http.detailAsync(live.body.RequestId)).status).toBe(200);
    expect((await http.live(loginId)).status).toBe(200);
  });

  it('lets cached sessions overlap', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
    const a = await http.cached(loginId);
    const b = await http.cached(loginId);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.RequestId).not.toBe(b.body.RequestId);
    expect((await http.live(loginId)).status).toBe(200);
  });

  it('does not block the card after a failed live refresh', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'retry-later' })).loginId;
    expect((await http.live(loginId)).body.FlinksCode).toBe('RETRY_LATER');
    expect((await http.live(loginId)).body.FlinksCode).toBe('RETRY_LATER');
  });

  it('keeps sessions of different cards apart', async () => {
    const a = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
    const b = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
    expect((await http.live(a)).status).toBe(203);
    expect((await http.live(b)).status).toBe(200);
  });
});
