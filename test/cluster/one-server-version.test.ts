// One Temporal server version everywhere: the dev server the tests run (inside the pinned CLI), the cluster's
// temporal-server and SQL tool, and compose's images; and the UI server the CLI embeds is the one the cluster runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  CLUSTER_TOOLS,
  resolveClusterTools,
  resolveTemporalCli,
  TEMPORAL_SERVER_VERSION,
  UI_SERVER_VERSION,
} from '../../src/temporal/binaries';
import { goBuildInfo } from '../../src/temporal/go-install';
import { clusterUnavailableReason } from '../../tools/cluster/availability';

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; entrypoint?: string[]; volumes?: string[] }>;
};
const bare = (version: string) => version.replace(/^v/, '');

test("compose's Temporal images are the server version the cluster and the CLI run", () => {
  expect(compose.services.temporal?.image).toBe(`temporalio/server:${bare(TEMPORAL_SERVER_VERSION)}`);
  for (const job of ['temporal-schema', 'temporal-setup']) {
    expect(compose.services[job]?.image).toMatch(
      new RegExp(`^temporalio/admin-tools:${bare(TEMPORAL_SERVER_VERSION).replace(/\./g, '\\.')}(-|$)`),
    );
  }
  // The server starts from the same script and folder tools/cluster uses.
  expect(compose.services.temporal?.volumes).toContain('./compose/temporal:/etc/temporal/flinks:ro');
  expect(compose.services.temporal?.entrypoint).toEqual(['/bin/sh', '/etc/temporal/flinks/start-server.sh']);
});

(clusterUnavailableReason() ? test.skip : test)(
  'the CLI embeds that server and that UI server; the cluster tools are builds of them',
  async () => {
    const cli = await resolveTemporalCli({ install: false });
    expect(cli.executable.type).toBe('existing-path');
    const embedded = await goBuildInfo((cli.executable as { path: string }).path, process.env);
    expect(embedded?.modules.get(CLUSTER_TOOLS.server.module)).toBe(TEMPORAL_SERVER_VERSION);
    expect(embedded?.modules.get(CLUSTER_TOOLS.uiServer.module)).toBe(UI_SERVER_VERSION);

    // Built here if `npm run tools` did not yet (minutes on a cold machine).
    const cluster = await resolveClusterTools();
    expect(cluster).toMatchObject({ available: true });
    if (!cluster.available) return;
    for (const [tool, file] of [
      [CLUSTER_TOOLS.server, cluster.tools.server],
      [CLUSTER_TOOLS.sqlTool, cluster.tools.sqlTool],
      [CLUSTER_TOOLS.uiServer, cluster.tools.uiServer],
    ] as const) {
      const info = await goBuildInfo(file, process.env);
      expect({ path: info?.path, version: info?.modules.get(tool.module) }).toEqual({
        path: tool.package,
        version: tool.version,
      });
    }
  },
  15 * 60_000,
);
