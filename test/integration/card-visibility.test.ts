// On the dev server, operators find cards by status in the Web UI: the same visibility query works here.
import { disconnectSignal, refreshNowUpdate } from '../../src/workflows/definitions';
import { waitFor } from '../harness/wait-for';
import { type CardWorld, createCardWorld } from '../workflows/card-env';

let world: CardWorld;
beforeAll(async () => {
  world = await createCardWorld({ server: 'dev-server' });
});
afterAll(async () => {
  await world?.close();
});

async function idsWhere(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of world.env.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}

test('cards are found by FlinksCardStatus, and by login, through visibility queries', async () => {
  const healthy = await world.sim.admin.createCard({ scenario: 'healthy' });
  const mfa = await world.sim.admin.createCard({ scenario: 'mfa-on-live' });
  const broken = await world.sim.admin.createCard({ scenario: 'disabled-institution' });
  const handles = await Promise.all(
    [healthy, mfa, broken].map(({ loginId }) => world.startCard({ loginId, institution: 'FlinksCapital' })),
  );
  const [, mfaHandle, brokenHandle] = handles;
  expect((await mfaHandle!.executeUpdate(refreshNowUpdate, { args: [{}] })).outcome).toBe('mfa-required');
  expect((await brokenHandle!.executeUpdate(refreshNowUpdate, { args: [{}] })).outcome).toBe('failed');

  const mine = `FlinksLoginId IN ('${healthy.loginId}', '${mfa.loginId}', '${broken.loginId}')`;
  for (const [status, handle] of [
    ['scheduled', handles[0]],
    ['awaiting-user-mfa', mfaHandle],
    ['errored', brokenHandle],
  ] as const) {
    const found = await waitFor(async () => {
      const ids = await idsWhere(`${mine} AND FlinksCardStatus = '${status}'`);
      return ids.length === 1 ? ids : undefined;
    });
    expect(found).toEqual([handle!.workflowId]);
  }
  const withError = await waitFor(async () => {
    const ids = await idsWhere(`${mine} AND FlinksErrorCode = 'DISABLED_INSTITUTION'`);
    return ids.length === 1 ? ids : undefined;
  });
  expect(withError).toEqual([brokenHandle!.workflowId]);

  await Promise.all(handles.map((h) => h.signal(disconnectSignal, {})));
  await Promise.all(handles.map((h) => h.result()));
});
