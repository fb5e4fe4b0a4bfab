// The directory sink: one that cannot write is a delivery outage, not a Flinks failure; and a requestId of
// another login is refused before anything is stored or recorded.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { DAY_MS, HOUR_MS } from '../../src/domain/time';
import { reconnectedSignal, stateQuery } from '../../src/workflows/definitions';
import { type CardWorld, createCardWorld, eventually } from './card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld({ sink: 'directory' });
});
afterAll(async () => {
  await world?.close();
});

/** Every file the directory sink holds, as `<loginId>/<file>`. */
async function storedFiles(): Promise<string[]> {
  const logins = await readdir(world.sinkDir).catch(() => []);
  const files = await Promise.all(
    logins.map(async (login) => (await readdir(`${world.sinkDir}/${login}`)).map((f) => `${login}/${f}`)),
  );
  return files.flat();
}

async function countersOf(loginId: string): Promise<Record<string, number>> {
  return (await world.sim.admin.counters()).byCard[loginId] ?? {};
}

/** The card's state once it has fetched with login `fetched`'s requestId and settled. */
async function settledAfterFetchOf<V extends { status: string }>(
  fetched: string,
  read: () => Promise<V>,
): Promise<V> {
  await eventually(
    () => countersOf(fetched),
    (c) => (c['accounts-detail'] ?? 0) >= 1,
  );
  return eventually(read, (v) => v.status !== 'refreshing');
}

test('a directory sink that cannot write (its root is a file) past the old lapse: no bank login, eligible, delivered once it can', async () => {
  const { loginId } = await world.sim.admin.createCard({ scenario: 'healthy' });
  await rm(world.sinkDir, { recursive: true, force: true });
  await writeFile(world.sinkDir, 'not a directory'); // every write fails with ENOTDIR, even as root
  try {
    await world.run(async () => {
      const handle = await world.startCard({ loginId });
      await world.env.sleep(9 * DAY_MS);
      const refused = await handle.query(stateQuery);
      expect(refused.status).toBe('scheduled');
      expect(refused.eligible).toBe(true);
      expect(refused.lastError).toBeNull();
      expect(Date.parse(refused.eligibleUntil ?? '')).toBeGreaterThan((await world.now()) + 5 * DAY_MS);
      expect(refused.deliveryPending).toMatchObject({ reason: expect.stringContaining('ENOTDIR') });
      expect((await countersOf(loginId))['authorize-live'] ?? 0).toBe(0);

      await rm(world.sinkDir, { force: true });
      await mkdir(world.sinkDir);
      await world.env.sleep(7 * HOUR_MS);
      await eventually(
        () => handle.query(stateQuery),
        (v) => v.deliveryPending === null,
      );
      expect(await storedFiles()).toEqual([expect.stringMatching(new RegExp(`^${loginId}/.*\\.json$`))]);
      expect((await countersOf(loginId))['authorize-live'] ?? 0).toBe(0);
    });
  } finally {
    await rm(world.sinkDir, { recursive: true, force: true });
    await mkdir(world.sinkDir, { recursive: true });
  }
});

test("login B's requestId on card A is refused once, naming both ids: A is not marked refreshed, nothing is stored", async () => {
  const a = await world.sim.admin.createCard({ scenario: 'healthy' });
  const b = await world.sim.admin.createCard({ scenario: 'healthy' });
  await world.run(async () => {
    const handle = await world.startCard({ loginId: a.loginId });
    await world.env.sleep(HOUR_MS);
    const before = await handle.query(stateQuery);
    const filesBefore = await storedFiles();

    const { requestId } = await world.sim.admin.completeUserReconnect(b.loginId);
    await handle.signal(reconnectedSignal, { requestId });
    const refused = await settledAfterFetchOf(b.loginId, () => handle.query(stateQuery));
    expect(refused.lastError?.code).toBe('REQUEST_ID_LOGIN_MISMATCH');
    expect(refused.lastError?.message).toContain(requestId);
    expect(refused.lastError?.message).toContain(a.loginId);
    expect(refused.lastError?.message).toContain(b.loginId);
    expect(refused.lastSuccessfulRefreshAt).toBe(before.lastSuccessfulRefreshAt);
    expect(refused.status).toBe(before.status);
    expect(refused.eligible).toBe(true);
    expect(await storedFiles()).toEqual(filesBefore);
    // Fetched once, not retried.
    expect((await countersOf(b.loginId))['accounts-detail']).toBe(1);
  });
});

test("a card connected with another login's requestId is refused the same way, and stores nothing", async () => {
  const a = await world.sim.admin.createCard({ scenario: 'healthy' });
  const b = await world.sim.admin.createCard({ scenario: 'healthy' });
  const { requestId } = await world.sim.admin.completeUserReconnect(b.loginId);
  await world.run(async () => {
    const handle = await world.startCard({ loginId: a.loginId, requestId });
    const refused = await settledAfterFetchOf(b.loginId, () => handle.query(stateQuery));
    expect(refused.lastError?.code).toBe('REQUEST_ID_LOGIN_MISMATCH');
    expect(refused.status).toBe('scheduled');
    expect(refused.lastSuccessfulRefreshAt).toBe(refused.lastCachedCallAt); // still the connect's
    expect((await storedFiles()).filter((f) => f.startsWith(a.loginId) || f.startsWith(b.loginId))).toEqual(
      [],
    );
    expect((await countersOf(b.loginId))['accounts-detail']).toBe(1);
  });
});
