import { type Simulator, startSimulator } from '../../src/simulator';
import { API_KEY, FlinksHttp, MINUTE, SECRET, startAtT0 } from './helpers';

describe('simulator credentials', () => {
  let sim: Simulator;
  let http: FlinksHttp;
  let loginId: string;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
    loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
  });
  afterEach(() => sim.close());

  it('issues a token for the secret in flinks-auth-key, and refuses anything else', async () => {
    const ok = await http.call('POST', 'GenerateAuthorizeToken', { headers: { 'flinks-auth-key': SECRET } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ HttpStatusCode: 200, Token: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const wrong: Record<string, string>[] = [
      {},
      { 'flinks-auth-key': 'wrong' },
      { authorization: `Bearer ${SECRET}` },
    ];
    for (const headers of wrong) {
      const refused = await http.call('POST', 'GenerateAuthorizeToken', { headers });
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ HttpStatusCode: 401, FlinksCode: 'ACCESS_DENIED' });
    }
  });

  it('accepts each authorize token once', async () => {
    const token = await http.token();
    const body = { LoginId: loginId, MostRecentCached: true };
    const first = await http.call('POST', 'Authorize', { body, headers: { 'flinks-auth-key': token } });
    expect(first.status).toBe(200);
    const again = await http.call('POST', 'Authorize', { body, headers: { 'flinks-auth-key': token } });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ HttpStatusCode: 401, FlinksCode: 'ACCESS_DENIED' });
  });

  it('refuses Authorize without a token, with the secret instead of a token, or with a lapsed token', async () => {
    const body = { LoginId: loginId, MostRecentCached: true };
    expect((await http.call('POST', 'Authorize', { body })).status).toBe(401);
    expect(
      (await http.call('POST', 'Authorize', { body, headers: { 'flinks-auth-key': SECRET } })).status,
    ).toBe(401);
    const token = await http.token();
    await sim.admin.advanceClock(31 * MINUTE);
    const lapsed = await http.call('POST', 'Authorize', { body, headers: { 'flinks-auth-key': token } });
    expect(lapsed.status).toBe(401);
  });

  it('requires x-api-key on data endpoints when an apiKey is configured', async () => {
    const { RequestId } = (await http.cached(loginId)).body as { RequestId: string };
    const wrong: Record<string, string>[] = [{}, { 'x-api-key': 'wrong' }];
    for (const headers of wrong) {
      const refused = await http.call('POST', 'GetAccountsDetail', { body: { RequestId }, headers });
      expect(refused.status).toBe(401);
      expect(refused.body.FlinksCode).toBe('ACCESS_DENIED');
      const poll = await http.call('GET', `GetAccountsDetailAsync/${RequestId}`, { headers });
      expect(poll.status).toBe(401);
    }
    expect((await http.detail(RequestId)).status).toBe(202);
    expect(
      (
        await http.call('POST', 'GetAccountsSummary', {
          body: { RequestId },
          headers: { 'x-api-key': API_KEY },
        })
      ).status,
    ).toBe(202);
  });

  it('needs no x-api-key when none is configured', async () => {
    const open = await startSimulator({ secretKey: SECRET });
    try {
      const client = new FlinksHttp(open);
      const card = await open.admin.createCard({ scenario: 'healthy' });
      const { RequestId } = (await client.cached(card.loginId)).body as { RequestId: string };
      const reply = await client.call('POST', 'GetAccountsDetail', { body: { RequestId } });
      expect(reply.status).toBe(202);
    } finally {
      await open.close();
    }
  });

  it('wants the secret as a Bearer token on GetNightlyRefreshStatus', async () => {
    expect((await http.nightlyStatus()).status).toBe(200);
    expect((await http.nightlyStatus('wrong')).status).toBe(401);
    const noAuth = await http.call('GET', 'GetNightlyRefreshStatus', {
      headers: { 'flinks-auth-key': SECRET },
    });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.FlinksCode).toBe('ACCESS_DENIED');
  });

  it('answers unknown customers, endpoints and methods with JSON errors', async () => {
    const wrongCustomer = await fetch(
      sim.baseUrl.replace(/v3\/[^/]+/, 'v3/someone-else') + '/GenerateAuthorizeToken',
      {
        method: 'POST',
        headers: { 'flinks-auth-key': SECRET },
      },
    );
    expect(wrongCustomer.status).toBe(401);
    const unknown = await http.call('POST', 'GetStatements', { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.HttpStatusCode).toBe(404);
    const wrongMethod = await http.call('GET', 'Authorize');
    expect(wrongMethod.status).toBe(405);
    const elsewhere = await fetch(sim.baseUrl.replace(/\/v3.*/, '/nothing'));
    expect(elsewhere.status).toBe(404);
  });

  it('matches endpoint names case-insensitively', async () => {
    const reply = await http.call('POST', 'generateauthorizetoken', {
      headers: { 'flinks-auth-key': SECRET },
    });
    expect(reply.status).toBe(200);
  });
});
