// Identities of this process's workers on their task queues.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * The SDK's `pid@host` with a random suffix: two containers that both run the worker as pid 1 under the same
 * hostname would otherwise share an identity, and the Flinks fleet gate, which counts processes by identity,
 * would count them as one and give each the other's share too.
 */
export function uniqueWorkerIdentity(): string {
  return `${process.pid}@${hostname()}-${randomBytes(4).toString('hex')}`;
}
