// The backend notifier over real HTTP: signed so a backend can verify it with src/client's helper (during a rotation
// too), and what it reports when the backend refuses.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { BackendNotificationError, BackendNotifier } from '../../src/activities/backend-notifier';
import { SIGNATURE_HEADER, verifySignature } from '../../src/client';
import { type CardNotification } from '../../src/domain/notifications';

const notification: CardNotification = {
  type: 'card.status-changed',
  idempotencyKey: 'run-1:7',
  loginId: '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f',
  at: '2026-11-20T08:30:00.000Z',
  from: 'scheduled',
  to: 'errored',
  eligibleUntil: null,
  lastError: null,
  pendingRequestId: null,
};

let server: Server;
let url: string;
let status = 204;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('did not bind');
  url = `http://127.0.0.1:${address.port}/notifications`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  status = 204;
});

const notifier = (secrets: { signingSecret: string | null; previousSigningSecret?: string | null }) =>
  new BackendNotifier({ url, ...secrets, timeoutMs: 2_000, log: () => undefined });

test('the POST verifies against its raw body with the secret, and carries the idempotency key', async () => {
  await expect(notifier({ signingSecret: 'current' }).send(notification)).resolves.toBe('delivered');
  const [{ headers, body }] = received as [(typeof received)[number]];
  expect(JSON.parse(body)).toEqual(notification);
  expect(headers['idempotency-key']).toBe('run-1:7');
  expect(headers[SIGNATURE_HEADER]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(verifySignature(body, headers[SIGNATURE_HEADER], 'current')).toEqual({
    timestamp: expect.any(Number),
  });
  expect(() => verifySignature(body, headers[SIGNATURE_HEADER], 'previous')).toThrow(
    expect.objectContaining({ name: 'SignatureVerificationError', problem: 'mismatch' }),
  );
});

test('with BACKEND_SIGNING_SECRET_PREVIOUS set, a backend on either secret verifies it', async () => {
  await notifier({ signingSecret: 'current', previousSigningSecret: 'previous' }).send(notification);
  const [{ headers, body }] = received as [(typeof received)[number]];
  for (const secret of ['current', 'previous']) {
    expect(verifySignature(body, headers[SIGNATURE_HEADER], secret)).toBeTruthy();
  }
});

test('without a secret nothing is signed', async () => {
  await notifier({ signingSecret: null }).send(notification);
  expect(received[0]?.headers[SIGNATURE_HEADER]).toBeUndefined();
});

test('a refusal is a BackendNotificationError with the status and the key, never the body', async () => {
  status = 410;
  const error = (await notifier({ signingSecret: 'current' })
    .send(notification)
    .catch((e: unknown) => e)) as BackendNotificationError;
  expect(error).toBeInstanceOf(BackendNotificationError);
  expect(error).toMatchObject({ name: 'BackendNotificationError', status: 410 });
  expect(error.message).toBe('backend answered 410 to notification run-1:7');
});
