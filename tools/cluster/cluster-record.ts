// What a started cluster ran, read from what runs rather than from the harness's own constants where it can be: the
// Temporal processes' command lines and dynamic config (from /proc), the frontend's version and the namespace's
// search attributes (asked of the running server), PostgreSQL's version (its binary). test/cluster compares it with
// what docker-compose.yml mounts and tags, so compose is the cluster the tests ran.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { runCommand } from '../../src/temporal/exec';

export interface TemporalProcessRecord {
  part: string;
  /** temporal-server's argv after the program, e.g. ['--root', …, '--config', 'config', '--env', …, 'start']. */
  args: string[];
  /** The server config file those arguments name, relative to the project when inside it. */
  configFile: string;
  /** DYNAMIC_CONFIG_FILE_PATH in the process's environment, relative to the project when inside it. */
  dynamicConfigFile: string | null;
}

export interface ClusterRecord {
  /** e.g. '15.18', from `postgres --version` of the binaries the cluster started. */
  postgresVersion: string;
  /** The compose script that made the databases, and the server module's schema folder it read. */
  schema: { script: string; dir: string; moduleVersion: string | null };
  /** Each Temporal process as the OS sees it; null where there is no /proc (not Linux). */
  temporalProcesses: TemporalProcessRecord[] | null;
  /** What the running frontend reports (GetClusterInfo), e.g. '1.29.1'. */
  serverVersion: string;
  /** The compose script that registered the namespace and search attributes. */
  setupScript: string;
  /** The namespace's custom search attributes as the server lists them: name → SearchAttributeType ('KEYWORD', …). */
  searchAttributes: Record<string, string>;
}

export interface ClusterRecordInput {
  root: string;
  postgresBin: string;
  schemaScript: string;
  schemaDir: string;
  setupScript: string;
  /** The Temporal processes, by part name. */
  temporalPids: { part: string; pid: number | undefined }[];
  address: string;
  namespace: string;
}

export async function clusterRecord(input: ClusterRecordInput): Promise<ClusterRecord> {
  const inProject = (path: string) => {
    const rel = relative(input.root, path);
    return rel.startsWith('..') ? path : rel;
  };
  const postgres = await runCommand(join(input.postgresBin, 'postgres'), ['--version']);
  const connection = await Connection.connect({ address: input.address });
  try {
    const [info, listed] = await Promise.all([
      connection.workflowService.getClusterInfo({}),
      connection.operatorService.listSearchAttributes({ namespace: input.namespace }),
    ]);
    return {
      postgresVersion: /\(PostgreSQL\) (\d+(\.\d+)*)/.exec(postgres.stdout)?.[1] ?? postgres.stdout.trim(),
      schema: {
        script: inProject(input.schemaScript),
        dir: inProject(input.schemaDir),
        // The module cache keeps each version in <module>@<version>/.
        moduleVersion: /@(v[^/]+)\/schema\/?$/.exec(input.schemaDir)?.[1] ?? null,
      },
      temporalProcesses: readTemporalProcesses(input.temporalPids, inProject),
      serverVersion: info.serverVersion ?? '',
      setupScript: inProject(input.setupScript),
      searchAttributes: Object.fromEntries(
        Object.entries(listed.customAttributes ?? {}).map(([name, type]) => [
          name,
          (temporal.api.enums.v1.IndexedValueType[type] ?? String(type)).replace(/^INDEXED_VALUE_TYPE_/, ''),
        ]),
      ),
    };
  } finally {
    await connection.close();
  }
}

function readTemporalProcesses(
  pids: ClusterRecordInput['temporalPids'],
  inProject: (path: string) => string,
): TemporalProcessRecord[] | null {
  const records: TemporalProcessRecord[] = [];
  for (const { part, pid } of pids) {
    let cmdline: string;
    let environ: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      return null;
    }
    const args = cmdline
      .split('\0')
      .filter((arg) => arg !== '')
      .slice(1);
    const flag = (name: string) => args[args.indexOf(name) + 1] ?? '';
    const dynamicConfig = environ
      .split('\0')
      .find((entry) => entry.startsWith('DYNAMIC_CONFIG_FILE_PATH='))
      ?.slice('DYNAMIC_CONFIG_FILE_PATH='.length);
    records.push({
      part,
      args,
      configFile: inProject(join(flag('--root'), flag('--config'), `${flag('--env')}.yaml`)),
      dynamicConfigFile: dynamicConfig === undefined ? null : inProject(dynamicConfig),
    });
  }
  return records;
}
