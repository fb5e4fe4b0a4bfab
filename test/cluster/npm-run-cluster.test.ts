// `npm run cluster` as a user runs it: the whole topology comes up with the same banner as `npm start`, seeds the
// demo cards, and the Web UI shows them in Chromium; Ctrl-C (SIGINT) stops it with exit 0 and leaves none of its processes behind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterUnavailableReason } from '../../tools/cluster/availability';
import { processesInGroups } from '../../tools/cluster/managed-process';
import { cardWorkflowId } from '../../src/workflows/definitions';
import { browserUnavailableReason, renderedDom, visibleText } from '../harness/browser';
import { runStart } from '../start/start-process';

const unavailable = clusterUnavailableReason();
const maybe = unavailable ? test.skip : test;
const noBrowser = browserUnavailableReason();
if (noBrowser) process.stderr.write(`[cluster] the Web UI is not checked in a browser: ${noBrowser}\n`);

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'npm-run-cluster-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

maybe(
  `comes up with the banner and the demo cards; Ctrl-C leaves no process behind${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  async () => {
    const run = runStart(
      ['--data-dir', dataDir, '--temporal-port', '0', '--ui-port', '0', '--simulator-port', '0'],
      // runStart passes PATH and HOME; Go's own settings say where the cluster's programs are.
      { API_PORT: '0', ...goEnvironment() },
      'tools/cluster/main.ts',
    );
    let pids: number[] = [];
    try {
      const { uiUrl, apiUrl, token } = await run.banner();
      // Every process the banner lists: PostgreSQL, four Temporal services, the UI, two workers, the API.
      pids = [...run.output().matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
      expect(pids).toHaveLength(9);
      expect(processesInGroups(pids).length).toBeGreaterThanOrEqual(9);
      expect((await fetch(uiUrl)).status).toBe(200);
      await run.waitForOutput(/Demo: 7 cards seeded/, 120_000);
      const cards = await fetch(`${apiUrl}/cards`, { headers: { authorization: `Bearer ${token}` } });
      const { cards: listed } = (await cards.json()) as { cards: { loginId: string }[] };
      expect(listed).toHaveLength(7);
      // What a person sees: the banner's Web UI link (the cards' list), opened in a real browser, shows every card.
      if (!noBrowser) {
        const dom = await renderedDom(uiUrl);
        const missing = listed.map((c) => cardWorkflowId(c.loginId)).filter((id) => !dom.includes(id));
        const saved = join(tmpdir(), 'npm-run-cluster-ui.html');
        if (missing.length > 0) await writeFile(saved, dom);
        const page = missing.length === 0 ? '' : `${saved}: ${visibleText(dom.slice(dom.indexOf('<main')))}`;
        expect({ missingFromTheUi: missing, page }).toEqual({ missingFromTheUi: [], page: '' });
      }
      const code = await run.interrupt(60_000);
      expect({ code, output: code === 0 ? '' : run.output().slice(-3_000) }).toEqual({ code: 0, output: '' });
    } finally {
      await run.interrupt().catch(() => undefined);
    }
    expect(run.output()).toMatch(/HTTP API ✓.*workers ✓.*Temporal ✓\s+PostgreSQL ✓\s+Stopped\./s);
    expect(processesInGroups(pids)).toEqual([]);
  },
  5 * 60_000,
);

function goEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => /^GO[A-Z]+$/.test(entry[0]) && entry[1] !== undefined,
    ),
  );
}
