import { forEachBounded } from '../../src/domain/for-each-bounded';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('runs every item with at most `limit` in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await tick();
    done.push(n);
    inFlight -= 1;
  });
  expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(most).toBe(3);
});

test('stops taking items after the first failure and rejects with it', async () => {
  const started: number[] = [];
  await expect(
    forEachBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 2) throw new Error('boom on 2');
    }),
  ).rejects.toThrow('boom on 2');
  expect(started.length).toBeLessThan(6);
});

test('does nothing for no items', async () => {
  await expect(
    forEachBounded([], 4, async () => Promise.reject(new Error('never'))),
  ).resolves.toBeUndefined();
});
