import { connect } from 'node:net';
import { type Simulator, startSimulator } from '../../src/simulator';
import { FlinksHttp, SECRET, startAtT0 } from './helpers';

describe('simulator robustness', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  beforeAll(() => process.on('unhandledRejection', onRejection));
  afterAll(() => process.off('unhandledRejection', onRejection));

  let sim: Simulator;
  let http: FlinksHttp;
  beforeEach(async () => {
    ({ sim, http } = await startAtT0());
  });
  afterEach(async () => {
    await sim.close();
    expect(rejections).toEqual([]);
  });

  it('answers malformed Authorize requests with 401 INVALID_REQUEST, never a crash', async () => {
    const loginId = (await sim.admin.createCard({ scenario: 'healthy' })).loginId;
    const cases: { rawBody?: string; body?: unknown; contentType?: string }[] = [
      { rawBody: '{"LoginId": ', contentType: 'application/json' },
      { rawBody: `LoginId=${loginId}`, contentType: 'application/x-www-form-urlencoded' },
      { body: [loginId] },
      { body: null },
      { body: 'a string' },
      { body: {} },
      { body: { LoginId: 42, MostRecentCached: true } },
      { body: { LoginId: loginId, MostRecentCached: 'yes' } },
      { body: { RequestId: 'x', SecurityResponses: 'Montreal' } },
      { rawBody: '' },
    ];
    for (const c of cases) {
      const token = await http.token();
      const headers: Record<string, string> = { 'flinks-auth-key': token };
      if (c.contentType) headers['content-type'] = c.contentType;
      const reply = await http.call('POST', 'Authorize', { body: c.body, rawBody: c.rawBody, headers });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        HttpStatusCode: 401,
        FlinksCode: 'INVALID_REQUEST',
        Message: expect.any(String),
      });
    }
  });

  it('refuses an oversized body', async () => {
    const reply = await http.call('POST', 'GetAccountsDetail', {
      rawBody: JSON.stringify({ RequestId: 'x', Padding: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json', 'x-api-key': 'sim-api-key' },
    });
    expect(reply.status).toBe(401);
    expect(reply.body.FlinksCode).toBe('INVALID_REQUEST');
  });

  it('survives garbage on the socket and clients that vanish mid-body', async () => {
    const { port } = new URL(sim.baseUrl);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST ${new URL(sim.baseUrl).pathname}/Authorize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"LoginId":`,
        );
        setTimeout(() => socket.destroy(), 20);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect((await http.nightlyStatus()).status).toBe(200);
  });

  it('turns a failing clock into 500 AGGREGATION_ERROR (and a rejected admin call), not a crash', async () => {
    let broken = false;
    const fragile = await startSimulator({
      secretKey: SECRET,
      clock: () => {
        if (broken) throw new Error('time server down');
        return Date.now();
      },
    });
    try {
      const client = new FlinksHttp(fragile);
      broken = true;
      const reply = await client.nightlyStatus();
      expect(reply.status).toBe(500);
      expect(reply.body).toMatchObject({ HttpStatusCode: 500, FlinksCode: 'AGGREGATION_ERROR' });
      await expect(fragile.admin.listCards()).rejects.toThrow('time server down');
      const adminReply = await fetch(`${fragile.adminUrl}/cards`);
      expect(adminReply.status).toBe(500);
      broken = false;
      expect((await client.nightlyStatus()).status).toBe(200);
    } finally {
      await fragile.close();
    }
  });

  it('closes promptly with idle keep-alive connections open, and close() is idempotent', async () => {
    await http.nightlyStatus();
    await http.nightlyStatus();
    const started = Date.now();
    await Promise.all([sim.close(), sim.close()]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses to start without a secret', async () => {
    await expect(startSimulator({ secretKey: '' })).rejects.toThrow(/secretKey/);
  });
});
