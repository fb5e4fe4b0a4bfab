// The simulator keeps its cards in memory, but the card workflows outlive it (SQLite): its cards are saved in
// the data folder and created again, with the same loginIds, on the next `npm start`, so every card keeps working.
// Open sessions and the last error are not kept: the next refresh recreates them from the card's scenario.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Simulator, type SimCardView } from '../simulator';
import { createCardSchema } from '../simulator/admin';

export const SIMULATOR_SNAPSHOT_FILE = 'simulator-cards.json';

const snapshotSchema = z.object({
  version: z.literal(1),
  cards: z.array(createCardSchema.required({ loginId: true })),
});
type SnapshotCard = z.infer<typeof snapshotSchema>['cards'][number];

export class SimulatorSnapshotError extends Error {
  override readonly name = 'SimulatorSnapshotError';
}

export interface SimulatorSnapshot {
  /** Recreates the saved cards; returns how many. Missing file = 0. */
  restore(): Promise<number>;
  /** Writes the cards if they changed since the last save (atomically: temp file, then rename). */
  save(): Promise<void>;
}

export function simulatorSnapshot(sim: Simulator, dataDir: string): SimulatorSnapshot {
  const path = join(dataDir, SIMULATOR_SNAPSHOT_FILE);
  let last = '';
  return {
    async restore() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw error;
      }
      let parsed: z.infer<typeof snapshotSchema>;
      try {
        parsed = snapshotSchema.parse(JSON.parse(text));
      } catch (error) {
        // Never overwritten silently: those loginIds are what the saved card workflows refer to.
        throw new SimulatorSnapshotError(
          `${path} is not a simulator snapshot (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): fix or delete it`,
        );
      }
      for (const card of parsed.cards) await sim.admin.createCard(card);
      last = text;
      return parsed.cards.length;
    },
    async save() {
      const text = `${JSON.stringify({ version: 1, cards: (await sim.admin.listCards()).map(toSnapshot) }, null, 2)}\n`;
      if (text === last) return;
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
      last = text;
    },
  };
}

function toSnapshot(card: SimCardView): SnapshotCard {
  return {
    loginId: card.loginId,
    scenario: card.scenario,
    scenarioOptions: card.scenarioOptions,
    institution: card.institution,
    username: card.username,
    scheduledRefresh: card.scheduledRefresh,
    lastSuccessfulRefreshAt: card.lastSuccessfulRefreshAt,
    lastCachedCallAt: card.lastCachedCallAt,
  };
}
