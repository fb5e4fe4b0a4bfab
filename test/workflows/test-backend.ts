// A stand-in for the product's backend, over real HTTP: it takes card notifications and data-sink POSTs,
// records every attempt, and can be switched down (503) or made to hang, to test what the product does then.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type CardNotification } from '../../src/domain/notifications';

export type BackendMode = 'up' | 'down' | 'hang';

export class TestBackend {
  mode: BackendMode = 'up';
  /** While set, the data sink (only) answers every POST with this status: 500, 413, 401… */
  sinkStatus: number | null = null;
  /** Delivered notifications, deduplicated by idempotency key as a real backend would. */
  readonly notifications: CardNotification[] = [];
  /** Every idempotency key that reached us, delivered or not, in order. */
  readonly notificationAttempts: string[] = [];
  /** Data-sink deliveries by idempotency key (the requestId), and every attempt. */
  readonly sinkRecords = new Map<string, unknown>();
  readonly sinkAttempts: string[] = [];
  /** A status (e.g. 410) to refuse a notification with, by its idempotency key; null takes it as the mode says. */
  refuseNotification: (key: string) => number | null = () => null;

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<TestBackend> {
    let backend: TestBackend | null = null;
    const server = createServer((req, res) => backend?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('test backend did not bind');
    backend = new TestBackend(server, `http://127.0.0.1:${address.port}`);
    return backend;
  }

  get notifyUrl(): string {
    return `${this.origin}/notifications`;
  }

  get sinkUrl(): string {
    return `${this.origin}/sink`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const isSink = req.url === '/sink';
      (isSink ? this.sinkAttempts : this.notificationAttempts).push(key);
      if (this.mode === 'hang') return; // the client's timeout ends it
      if (isSink && this.sinkStatus !== null) {
        res.writeHead(this.sinkStatus).end();
        return;
      }
      if (this.mode === 'down') {
        res.writeHead(503).end();
        return;
      }
      const refusal = isSink ? null : this.refuseNotification(key);
      if (refusal !== null) {
        res.writeHead(refusal).end();
        return;
      }
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (isSink) {
        if (!this.sinkRecords.has(key)) this.sinkRecords.set(key, body);
      } else if (!this.notifications.some((n) => n.idempotencyKey === key)) {
        this.notifications.push(body as CardNotification);
      }
      res.writeHead(204).end();
    });
  }
}
