// The configuration `npm start` and `npm run cluster` give the product: the environment, with demo-friendly values
// for what the user did not set, and one Flinks secret per run that the simulator and the workers share.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type AppConfig, loadConfig } from '../config';
import { type StartArgs } from './start-args';

/** Stands in for the simulator's URL in checks made before it listens. */
export const NOT_YET_LISTENING = 'http://127.0.0.1:1/';

export interface DemoConfig {
  /** FLINKS_SECRET_KEY, or a random one for this run. */
  flinksSecret: string;
  /** The environment's variables, then the demo defaults under them, then `overrides` over all. */
  defaults: Record<string, string>;
  configFor(overrides: Record<string, string>): AppConfig;
}

export function demoConfig(args: Pick<StartArgs, 'dataDir'>, env: NodeJS.ProcessEnv): DemoConfig {
  // The simulator accepts whatever secret the worker is given: one per run unless the user chose one.
  const flinksSecret = env.FLINKS_SECRET_KEY?.trim() || randomBytes(24).toString('base64url');
  // Demo-friendly values for variables the user did not set: quick polls, a quick Ctrl-C, data under --data-dir.
  const defaults = {
    FLINKS_POLL_INTERVAL: '1s',
    WORKER_SHUTDOWN_GRACE: '5s',
    DATA_SINK_DIR: join(args.dataDir, 'sink'),
  };
  return {
    flinksSecret,
    defaults,
    configFor: (overrides) =>
      loadConfig({ ...defaults, ...env, FLINKS_SECRET_KEY: flinksSecret, ...overrides }),
  };
}
