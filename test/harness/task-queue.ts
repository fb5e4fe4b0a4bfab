import { randomUUID } from 'node:crypto';

/** A task queue no other test polls: suites share one dev server. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}
