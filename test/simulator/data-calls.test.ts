import { type Simulator } from '../../src/simulator';
import { API_KEY, type FlinksHttp, MINUTE, startAtT0 } from './helpers';

describe('simulator data endpoints', () => {
  let sim: Simulator;
  let http: FlinksHttp;
  let loginId: string;

  const start = async (options = {}) => {
    ({ sim, http } = await startAtT0(options));
    loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
  };
  afterEach(() => sim.close());

  const session = async () => (await http.cached(loginId)).body.RequestId as string;

  it('answers the first call 202 OPERATION_PENDING, then 200 through Async', async () => {
    await start();
    const requestId = await session();
    const pending = await http.detail(requestId);
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({
      HttpStatusCode: 202,
      FlinksCode: 'OPERATION_PENDING',
      Message: expect.any(String),
      RequestId: requestId,
      Links: expect.any(Array),
    });
    const ready = await http.detailAsync(requestId);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      HttpStatusCode: 200,
      Institution: 'FlinksCapital',
      InstitutionName: 'FlinksCapital',
      InstitutionId: 14,
      RequestId: requestId,
      Login: {
        Id: loginId,
        Username: 'Greatday',
        LastRefresh: '2026-03-10T12:00:00.0000000',
        IsScheduledRefresh: true,
      },
    });
    const accounts = ready.body.Accounts as Record<string, unknown>[];
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    for (const account of accounts) {
      expect(account).toMatchObject({
        Id: expect.any(String),
        AccountNumber: expect.stringMatching(/^\d{7}$/),
        TransitNumber: expect.stringMatching(/^\d{5}$/),
        InstitutionNumber: '777',
        Title: expect.any(String),
        Currency: 'CAD',
        Balance: { Current: expect.any(Number), Available: expect.any(Number) },
        Holder: { Name: expect.any(String), Address: expect.objectContaining({ Country: 'CA' }) },
        Transactions: expect.any(Array),
      });
    }
    const transactions = accounts.flatMap((a) => a.Transactions as Record<string, unknown>[]);
    expect(transactions.length).toBeGreaterThan(5);
    expect(transactions[0]).toMatchObject({
      Date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      Id: expect.any(String),
      Balance: expect.any(Number),
    });
  });

  it('honours pollsBeforeReady, and accepts POST on the Async endpoint', async () => {
    await start({ pollsBeforeReady: 3 });
    const requestId = await session();
    expect((await http.detail(requestId)).status).toBe(202);
    expect((await http.detailAsync(requestId)).status).toBe(202);
    expect((await http.detailAsync(requestId, 'POST')).status).toBe(202);
    expect((await http.detailAsync(requestId, 'POST')).status).toBe(200);
    // Async by POST with the RequestId in the body instead of the path
    const other = await session();
    const byBody = await http.call('POST', 'GetAccountsDetailAsync', {
      body: { RequestId: other },
      headers: { 'x-api-key': API_KEY },
    });
    expect(byBody.status).toBe(202);
  });

  it('answers 200 at once with pollsBeforeReady 0', async () => {
    await start({ pollsBeforeReady: 0 });
    expect((await http.detail(await session())).status).toBe(200);
  });

  it('serves GetAccountsSummary and its Async poll (no transactions, EFT ratios)', async () => {
    await start();
    const requestId = await session();
    expect((await http.summary(requestId)).status).toBe(202);
    const ready = await http.summaryAsync(requestId);
    expect(ready.status).toBe(200);
    expect(ready.body.Login.Id).toBe(loginId);
    for (const account of ready.body.Accounts as Record<string, unknown>[]) {
      expect(account.Transactions).toBeUndefined();
      expect(account.EftEligibleRatio).toEqual(expect.any(Number));
      expect(account.AccountNumber).toEqual(expect.any(String));
    }
  });

  it('generates the same data for the same refresh, and honours the request options', async () => {
    await start({ pollsBeforeReady: 0 });
    const a = await http.detail(await session());
    const b = await http.detail(await session());
    expect(a.body.Accounts).toEqual(b.body.Accounts);
    const count = (reply: { body: { Accounts: { Transactions: unknown[] }[] } }) =>
      reply.body.Accounts.reduce((n, acc) => n + acc.Transactions.length, 0);
    const year = await http.detail(await session(), { DaysOfTransactions: 'Days365' });
    expect(count(year)).toBeGreaterThan(count(a));
    const none = await http.detail(await session(), { WithTransactions: false });
    expect(count(none)).toBe(0);
    const firstId = a.body.Accounts[0].Id as string;
    const filtered = await http.detail(await session(), { AccountsFilter: [firstId] });
    expect(filtered.body.Accounts.map((acc: { Id: string }) => acc.Id)).toEqual([firstId]);
  });

  it('keeps the options of the sync call for the Async polls', async () => {
    await start();
    const requestId = await session();
    await http.detail(requestId, { WithTransactions: false });
    const ready = await http.detailAsync(requestId);
    expect(
      ready.body.Accounts.every((acc: { Transactions: unknown[] }) => acc.Transactions.length === 0),
    ).toBe(true);
  });

  it('expires a RequestId after 8 minutes of inactivity: 400 SESSION_NONEXISTENT', async () => {
    await start({ pollsBeforeReady: 5 });
    const requestId = await session();
    await http.detail(requestId);
    // activity keeps it alive
    await sim.admin.advanceClock(7 * MINUTE);
    expect((await http.detailAsync(requestId)).status).toBe(202);
    await sim.admin.advanceClock(7 * MINUTE);
    expect((await http.detailAsync(requestId)).status).toBe(202);
    await sim.admin.advanceClock(8 * MINUTE + 1);
    const expired = await http.detailAsync(requestId);
    expect(expired.status).toBe(400);
    expect(expired.body).toMatchObject({
      HttpStatusCode: 400,
      FlinksCode: 'SESSION_NONEXISTENT',
      RequestId: requestId,
    });
    expect((await http.detail(requestId)).body.FlinksCode).toBe('SESSION_NONEXISTENT');
  });

  it('honours a custom requestIdTtlMs', async () => {
    await start({ requestIdTtlMs: MINUTE });
    const requestId = await session();
    await sim.admin.advanceClock(MINUTE + 1);
    expect((await http.detail(requestId)).status).toBe(400);
  });

  it('refuses unknown RequestIds, missing RequestIds and bad options', async () => {
    await start();
    const unknown = await http.detail('11111111-1111-4111-8111-111111111111');
    expect(unknown.status).toBe(400);
    expect(unknown.body.FlinksCode).toBe('SESSION_NONEXISTENT');
    const missing = await http.call('POST', 'GetAccountsDetail', {
      body: { WithTransactions: true },
      headers: { 'x-api-key': API_KEY },
    });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ HttpStatusCode: 401, FlinksCode: 'INVALID_REQUEST' });
    const badDays = await http.detail(await session(), { DaysOfTransactions: 'Days9000' });
    expect(badDays.body.FlinksCode).toBe('INVALID_REQUEST');
    expect(badDays.body.RequestId).toEqual(expect.any(String));
  });

  it('refuses data calls on a session still waiting for its MFA answer: 401 UNAUTHORIZED', async () => {
    await start();
    const mfa = (await sim.admin.createCard({ scenario: 'mfa-on-live' })).loginId;
    const challenge = await http.live(mfa);
    const refused = await http.detail(challenge.body.RequestId);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ FlinksCode: 'UNAUTHORIZED', RequestId: challenge.body.RequestId });
  });

  it('refuses data calls on a live session whose Authorize failed', async () => {
    await start();
    const retry = (await sim.admin.createCard({ scenario: 'retry-later' })).loginId;
    const failed = await http.live(retry);
    expect((await http.detail(failed.body.RequestId)).body.FlinksCode).toBe('UNAUTHORIZED');
  });
});
