import { z } from 'zod';
import { type ClockSource } from './clock';
import { sandboxCustomerId } from './sandbox';
import { MINUTE_MS } from './time';

export interface SimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1: the admin API has no auth. */
  host?: string;
  customerId?: string;
  /** Required in /GenerateAuthorizeToken (flinks-auth-key) and as Bearer on /GetNightlyRefreshStatus. */
  secretKey: string;
  /** When set, x-api-key is required on the data endpoints. */
  apiKey?: string;
  /** Virtual clock source; omitted = the simulator owns a virtual clock starting at real now. */
  clock?: ClockSource;
  /** The owned clock follows real time (default true); false: it moves only through advanceClock/setClock. */
  clockTicks?: boolean;
  /** Data calls answer 202 this many times before 200 (default 1). */
  pollsBeforeReady?: number;
  /** Same, for `slow` cards (default pollsBeforeReady + 3). */
  slowPollsBeforeReady?: number;
  /** RequestId inactivity expiry -> 400 SESSION_NONEXISTENT (default 8 min). */
  requestIdTtlMs?: number;
  /** Unused authorize tokens lapse after this (default 30 min). */
  authorizeTokenTtlMs?: number;
  /** Default failure rate of `flaky` cards (default 0.3). */
  flakyErrorRate?: number;
  /** Seed of the PRNGs behind faults and flaky outcomes (default 1). */
  seed?: number;
  /** A webhook integration: the cached-call rule of nightly eligibility does not apply (default false). */
  webhooks?: boolean;
  /** Entries kept in the request log (default 10 000). */
  requestLogSize?: number;
  /** Serve /admin to non-loopback clients too (default false: 403 for them). */
  allowRemoteAdmin?: boolean;
}

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  customerId: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'customerId must be a GUID-like path segment')
    .default(sandboxCustomerId),
  secretKey: z.string().min(1, 'secretKey is required'),
  apiKey: z.string().min(1).optional(),
  clock: z.function().optional(),
  clockTicks: z.boolean().default(true),
  pollsBeforeReady: z.number().int().min(0).max(10_000).default(1),
  slowPollsBeforeReady: z.number().int().min(0).max(10_000).optional(),
  requestIdTtlMs: z.number().int().positive().default(8 * MINUTE_MS),
  authorizeTokenTtlMs: z.number().int().positive().default(30 * MINUTE_MS),
  flakyErrorRate: z.number().min(0).max(1).default(0.3),
  seed: z.number().int().default(1),
  webhooks: z.boolean().default(false),
  requestLogSize: z.number().int().min(1).max(1_000_000).default(10_000),
  allowRemoteAdmin: z.boolean().default(false),
});

export type ResolvedOptions = Omit<z.infer<typeof optionsSchema>, 'clock' | 'slowPollsBeforeReady'> & {
  clock: ClockSource | undefined;
  slowPollsBeforeReady: number;
};

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const parsed = optionsSchema.parse(options);
  return {
    ...parsed,
    clock: options.clock,
    slowPollsBeforeReady: parsed.slowPollsBeforeReady ?? parsed.pollsBeforeReady + 3,
  };
}
