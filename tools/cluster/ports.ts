// The cluster's TCP ports on 127.0.0.1: free ones on the first start, kept in the data folder so a restart (and a
// restarted service, which its peers knew at that address) gets the same ones back. They are drawn below Linux's
// ephemeral range (32768+): Temporal stores membership ports in a SMALLINT column (at most 32767), and no outgoing
// connection can hold a port there while its service restarts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PORT_NAMES = [
  'postgres',
  'frontendGrpc',
  'frontendHttp',
  'frontendMembership',
  'historyGrpc',
  'historyMembership',
  'matchingGrpc',
  'matchingMembership',
  'workerGrpc',
  'workerMembership',
  'ui',
] as const;
export type PortName = (typeof PORT_NAMES)[number];
export type ClusterPorts = Record<PortName, number>;

const PORTS_FILE = 'ports.json';

/** `wanted` ports are used as given (0 = any); the rest reuse the saved ones while free, else get new free ones. */
export async function clusterPorts(
  dataDir: string,
  wanted: Partial<ClusterPorts> = {},
): Promise<ClusterPorts> {
  const file = join(dataDir, PORTS_FILE);
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ClusterPorts>) : {};
  const ports = {} as ClusterPorts;
  const taken = new Set<number>();
  for (const name of PORT_NAMES) {
    const asked = wanted[name];
    let port = asked !== undefined && asked !== 0 ? asked : undefined;
    if (port === undefined && asked === undefined && saved[name] && !taken.has(saved[name])) {
      if (await isFree(saved[name])) port = saved[name];
    }
    while (port === undefined || taken.has(port)) port = await freePortBelowEphemeral();
    taken.add(port);
    ports[name] = port;
  }
  writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

const LOWEST = 20_000;
const HIGHEST = 32_767;

async function freePortBelowEphemeral(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} after 200 tries`);
}
