import { type Simulator } from '../../src/simulator';
import { API_KEY, type FlinksHttp, SECRET, startAtT0 } from './helpers';

describe('simulator SetScheduledRefresh and DeleteCard', () => {
  let sim: Simulator;
  let http: FlinksHttp;
  let loginId: string;

  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
    loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
  });
  afterEach(() => sim.close());

  const patch = (body: unknown, query = '') => http.call('PATCH', `SetScheduledRefresh${query}`, { body });

  it('answers 200 with a bare JSON string, in camelCase or PascalCase', async () => {
    const off = await patch({ loginId, isActivated: false });
    expect(off.status).toBe(200);
    expect(off.text).toBe(
      JSON.stringify(`LoginId ${loginId} has now been deactivated for automatic refresh`),
    );
    expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
    const on = await patch({ LoginId: loginId, IsActivated: true });
    expect(on.body).toBe(`LoginId ${loginId} has now been activated for automatic refresh`);
    expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(true);
    const cached = await http.cached(loginId);
    expect(cached.body.Login.IsScheduledRefresh).toBe(true);
  });

  it('also takes the two values as query parameters', async () => {
    const reply = await http.call('PATCH', `SetScheduledRefresh?loginId=${loginId}&isActivated=false`);
    expect(reply.status).toBe(200);
    expect((await sim.admin.getCard(loginId)).scheduledRefresh).toBe(false);
  });

  it('refuses a missing flag or an unknown card', async () => {
    const missing = await patch({ loginId });
    expect(missing.status).toBe(401);
    expect(missing.body.FlinksCode).toBe('INVALID_REQUEST');
    const unknown = await patch({ loginId: '22222222-2222-4222-8222-222222222222', isActivated: true });
    expect(unknown.status).toBe(401);
    expect(unknown.body.FlinksCode).toBe('INVALID_LOGIN');
    const wrongKey = await http.call('PATCH', 'SetScheduledRefresh', {
      body: { loginId, isActivated: true },
      headers: { 'x-api-key': 'nope' },
    });
    expect(wrongKey.status).toBe(401);
    const wrongBearer = await http.call('PATCH', 'SetScheduledRefresh', {
      body: { loginId, isActivated: true },
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrongBearer.status).toBe(401);
    // what the project's client sends: both casings, the secret as Bearer, and the x-api-key
    const asTheClient = await http.call('PATCH', 'SetScheduledRefresh', {
      body: { loginId, isActivated: true, LoginId: loginId, IsActivated: true },
      headers: { 'x-api-key': API_KEY, authorization: `Bearer ${SECRET}` },
    });
    expect(asTheClient.status).toBe(200);
    const deleted = await http.call('DELETE', `DeleteCard/${loginId}`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(deleted.status).toBe(401);
  });

  it('deletes a card and its sessions', async () => {
    const requestId = (await http.cached(loginId)).body.RequestId as string;
    const deleted = await http.call('DELETE', `DeleteCard/${loginId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ HttpStatusCode: 200, Message: expect.stringContaining(loginId) });
    expect((await http.cached(loginId)).body.FlinksCode).toBe('INVALID_LOGIN');
    expect((await http.detail(requestId)).body.FlinksCode).toBe('SESSION_NONEXISTENT');
    const again = await http.call('DELETE', `DeleteCard/${loginId}`);
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ FlinksCode: 'INVALID_LOGIN', Message: 'Invalid LoginId' });
    await expect(sim.admin.getCard(loginId)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to delete a card in the middle of a live refresh: 400 CARD_IN_USE', async () => {
    await http.live(loginId);
    const busy = await http.call('DELETE', `DeleteCard/${loginId}`);
    expect(busy.status).toBe(400);
    expect(busy.body.FlinksCode).toBe('CARD_IN_USE');
    expect((await http.call('DELETE', 'DeleteCard')).body.FlinksCode).toBe('INVALID_REQUEST');
  });
});
