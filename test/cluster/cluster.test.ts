// The product on a real Temporal cluster (PostgreSQL persistence and visibility), as one server process and as its
// four services in four processes: cards connect, the nightly routine signals them (nightlyStatus), a Refresh,
// visibility queries by every Flinks search attribute answer from PostgreSQL, a Temporal process and PostgreSQL
// crash and come back, and stopping leaves no process.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runRoutineNow } from '../../src/schedule';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { type Cluster, type ClusterMode, startCluster } from '../../tools/cluster/cluster';
import { CLUSTER_START_TIMEOUT_MS, describeOnCluster } from '../harness/cluster-suite';
import { processesInGroups } from '../../tools/cluster/managed-process';
import { cardSearchAttributes } from '../../src/workflows/search-attributes';
import { containerEnv, mountedFrom, readComposeFile, root } from '../compose/compose-file';
import { waitFor } from '../harness/wait-for';
import { createRoutineWorld, type RoutineWorld } from '../routine/routine-world';

describeOnCluster.each<ClusterMode>(['single', 'services'])(
  'a Temporal cluster on PostgreSQL, %s',
  (mode) => {
    let cluster: Cluster | undefined;
    let world: RoutineWorld | undefined;
    const unexpected: string[] = [];

    beforeAll(async () => {
      const started = Date.now();
      cluster = await startCluster({
        mode,
        onUnexpectedExit: (part, code, signal) => unexpected.push(`${part} exited (${signal ?? code})`),
      });
      process.stderr.write(`[cluster] ${mode}: up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      world = await createRoutineWorld({ temporalAddress: cluster.address });
      await world.startWorkers();
    }, CLUSTER_START_TIMEOUT_MS);

    afterAll(async () => {
      await world?.close();
      const groups = cluster?.processGroups() ?? [];
      await cluster?.stop();
      await cluster?.stop(); // idempotent
      expect(processesInGroups(groups)).toEqual([]);
      expect(unexpected).toEqual([]);
    });

    // docker-compose.yml is this cluster: what the harness ran, read back from the running processes and server, is
    // what compose mounts, runs and tags (test/compose/docker-compose.test.ts checks the file on its own).
    test('it ran what docker-compose.yml runs: server config, dynamic config, schema steps, versions, search attributes', () => {
      const ran = (cluster as Cluster).record;
      const compose = readComposeFile('docker-compose.yml').services;
      const temporal = compose.temporal;
      const env = containerEnv(temporal, {});
      const serverRoot = mountedFrom(temporal, env.TEMPORAL_ROOT ?? '');
      // The same entrypoint script (compose/temporal/start-server.sh), so the same temporal-server arguments.
      expect(mountedFrom(temporal, temporal?.entrypoint?.[1] ?? '')).toBe(`${serverRoot}/start-server.sh`);
      expect(ran.temporalProcesses).toHaveLength(mode === 'single' ? 1 : 4);
      for (const process of ran.temporalProcesses ?? []) {
        expect(process).toMatchObject({
          args: expect.arrayContaining(['--root', join(root, serverRoot ?? '?')]),
          configFile: `${serverRoot}/config/flinks-refresh.yaml`,
          dynamicConfigFile: mountedFrom(temporal, env.DYNAMIC_CONFIG_FILE_PATH ?? ''),
        });
        expect(existsSync(join(root, process.configFile))).toBe(true);
      }
      expect(ran.temporalProcesses?.[0]?.dynamicConfigFile).toBe(
        'compose/temporal/dynamicconfig/development.yaml',
      );

      // Schema steps: compose's admin-tools job runs the same script on its image's schema, of the same release.
      const schemaJob = compose['temporal-schema'];
      expect(ran.schema.script).toBe(mountedFrom(schemaJob, schemaJob?.command?.[0] ?? ''));
      const adminTools = /^temporalio\/admin-tools:(\d+\.\d+\.\d+)-/.exec(schemaJob?.image ?? '')?.[1];
      expect(ran.schema.moduleVersion).toBe(`v${adminTools}`);
      const setupJob = compose['temporal-setup'];
      expect(ran.setupScript).toBe(mountedFrom(setupJob, setupJob?.command?.[0] ?? ''));

      // Versions: the server that answered, and the PostgreSQL major version that stored it.
      expect(`temporalio/server:${ran.serverVersion}`).toBe(temporal?.image);
      const major = (version: string) => version.split('.')[0];
      expect(major(ran.postgresVersion)).toBe(major(compose.postgresql?.image?.split(':')[1] ?? ''));

      // Search attributes as the server lists them after compose's setup script: the contract's.
      expect(ran.searchAttributes).toEqual(
        Object.fromEntries(cardSearchAttributes.map((k) => [k.name, k.type])),
      );
    });

    test('connect, the nightly routine, a Refresh, and visibility by every search attribute', async () => {
      const w = world as RoutineWorld;
      const [healthy, mfa, broken] = await Promise.all(
        (['healthy', 'mfa-on-live', 'disabled-institution'] as const).map((scenario) =>
          w.sim.admin.createCard({ scenario }),
        ),
      );
      const ids = [healthy, mfa, broken].map((card) => card!.loginId);
      for (const loginId of ids) await w.cards.connect(loginId, { institution: 'FlinksCapital' });

      await w.sim.admin.runNightlyJob();
      const routine = await runRoutineNow(w.env.client, {
        taskQueue: w.taskQueue,
        flinksTaskQueue: w.config.flinks.taskQueue,
        routineId: `cluster-${mode}-${randomUUID()}`,
      });
      const result = await routine.handle.result();
      expect(result).toMatchObject({ signalled: 3, failedShards: [] });
      const views = await w.settled(ids, routine.routineId);
      expect(views.get(healthy!.loginId)?.status).toBe('scheduled');
      expect(views.get(mfa!.loginId)?.status).toBe('awaiting-user-mfa');
      // Flinks keeps a disabled institution's card eligible; a Refresh shows the error.
      expect((await w.cards.refreshNow(broken!.loginId)).outcome).toBe('failed');

      const healthyView = await w.cards.getCard(healthy!.loginId);
      expect(healthyView.lastSuccessfulRefreshAt).not.toBeNull();
      expect(healthyView.eligibleUntil).not.toBeNull();
      const one = `FlinksLoginId = '${healthy!.loginId}'`;
      const mine = `FlinksLoginId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
      const queries: [string, string[]][] = [
        [one, [healthy!.loginId]],
        [`${mine} AND FlinksCardStatus = 'awaiting-user-mfa'`, [mfa!.loginId]],
        [`${mine} AND FlinksCardStatus = 'errored'`, [broken!.loginId]],
        [`${mine} AND FlinksErrorCode = 'DISABLED_INSTITUTION'`, [broken!.loginId]],
        // Datetimes compare: the card's own value matches, a later one does not.
        [`${one} AND FlinksLastRefreshAt = '${healthyView.lastSuccessfulRefreshAt}'`, [healthy!.loginId]],
        [`${one} AND FlinksLastRefreshAt > '${healthyView.lastSuccessfulRefreshAt}'`, []],
        [
          `${one} AND FlinksEligibleUntil BETWEEN '${healthyView.eligibleUntil}' AND '9999-01-01T00:00:00Z'`,
          [healthy!.loginId],
        ],
        [`${one} AND FlinksEligibleUntil < '${healthyView.eligibleUntil}'`, []],
      ];
      for (const [query, expected] of queries) {
        const want = expected.map(cardWorkflowId).sort();
        const found = await waitFor(
          async () => {
            const workflowIds: string[] = [];
            for await (const execution of w.env.client.workflow.list({ query })) {
              workflowIds.push(execution.workflowId);
            }
            return workflowIds.sort().join() === want.join() ? workflowIds : undefined;
          },
          { timeoutMs: 15_000 },
        ).catch(async () => {
          // What visibility holds for those cards, to tell a wrong value from a query that cannot match.
          const held: Record<string, unknown> = {};
          for await (const execution of w.env.client.workflow.list({ query: mine })) {
            held[execution.workflowId] = execution.searchAttributes;
          }
          return { nothingAfter: '15 s', held };
        });
        expect({ query, found }).toEqual({ query, found: want });
      }
    });

    // The harness's faults, briefly (the fault suites use them at length): each part comes back on its ports.
    test(`after SIGKILL of ${mode === 'single' ? 'the server' : 'the history service'} and pg_ctl stop -m immediate, each restarted, a Refresh answers`, async () => {
      const w = world as RoutineWorld;
      const c = cluster as Cluster;
      const card = await w.sim.admin.createCard({ scenario: 'healthy' });
      await w.cards.connect(card.loginId, { institution: 'FlinksCapital' });

      const temporal = c.service(mode === 'single' ? 'server' : 'history');
      const before = temporal.pid;
      temporal.kill('SIGKILL');
      await temporal.start();
      expect(temporal.pid).not.toBe(before);
      expect((await w.cards.refreshNow(card.loginId)).outcome).toBe('refreshed');

      await c.pg.stop('immediate');
      await c.pg.start();
      expect((await w.cards.refreshNow(card.loginId)).outcome).toBe('refreshed');
    });
  },
);
