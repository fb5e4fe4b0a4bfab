// Issue 12 #7 at full length: reconnected every 100 ms for an hour of the backend's clock (36,000 signals). Long: it
// runs only in `npm run test:faults` (jest.config.js).
import { type CardWorld, createCardWorld } from '../workflows/card-env';
import { floodWithReconnects } from '../workflows/pending-flood';

let world: CardWorld;
beforeAll(async () => {
  // The time-skipping server's clock paces the signals: 100 ms of it between two, as a backend retrying would.
  world = await createCardWorld();
});
afterAll(() => world?.close());

test('reconnected every 100 ms for an hour: bounded runs, one fetch, the card ends right', async () => {
  await floodWithReconnects(world, Number(process.env.FLOOD_SECONDS ?? 3_600));
}, 1_800_000);
