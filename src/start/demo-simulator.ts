// The Flinks simulator of `npm start` and `npm run cluster`: on the asked port (any free one if taken), its cards
// restored from the data folder's snapshot and saved every 5 s and at the stop, so the card workflows (which outlive
// it) keep their loginIds.
import { type FlinksLogger } from '../flinks';
import { startSimulator, type Simulator } from '../simulator';
import { simulatorSnapshot } from './simulator-snapshot';
import { type StopStack } from './stop-stack';

export interface DemoSimulatorOptions {
  port: number;
  secretKey: string;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  stack: StopStack;
  log: FlinksLogger;
}

/** Starts it and registers its stop; returns it and how many cards came back from the last run. */
export async function startDemoSimulator(
  options: DemoSimulatorOptions,
): Promise<{ sim: Simulator; restored: number }> {
  const sim = await listenSimulator(options.port, options.secretKey, options.env);
  const snapshot = simulatorSnapshot(sim, options.dataDir);
  const restored = await snapshot.restore();
  options.stack.push('Flinks simulator', async () => {
    await snapshot.save();
    await sim.close();
  });
  const saver = setInterval(
    () => void snapshot.save().catch((e: unknown) => options.log.warn('snapshot', { error: String(e) })),
    5_000,
  );
  options.stack.push('simulator snapshots', () => clearInterval(saver));
  return { sim, restored };
}

/** The simulator on the asked port, or any free one if that is taken (nothing refers to its port). */
async function listenSimulator(port: number, secretKey: string, env: NodeJS.ProcessEnv): Promise<Simulator> {
  const options = {
    secretKey,
    apiKey: env.FLINKS_API_KEY?.trim() || undefined,
    webhooks: env.FLINKS_WEBHOOKS === 'true',
  };
  try {
    return await startSimulator({ ...options, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSimulator({ ...options, port: 0 });
  }
}
