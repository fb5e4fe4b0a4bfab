// The short flood; the virtual hour is in test/faults/pending-flood-hour.test.ts.
import { type CardWorld, createCardWorld } from './card-env';
import { floodWithReconnects } from './pending-flood';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld({ server: 'dev-server' });
});
afterAll(() => world?.close());

test('reconnected every 100 ms for 2 minutes: bounded runs, one fetch, the card ends right', async () => {
  await floodWithReconnects(world, 120);
}, 300_000);
