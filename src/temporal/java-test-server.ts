// Finds or prepares the Java time-skipping test server (io.temporal:temporal-test-server) as one executable script.
import { type EphemeralServerExecutable } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findFreePort,
  findOnPath,
  formatSeconds,
  isExecutableFile,
  runCommand,
  tail,
  waitForPort,
} from './exec';
import { projectRoot, testServerPomPath, toolsDir } from './paths';

export type TestServerSource = 'env' | 'cached' | 'prepared' | 'cached-download';

export interface ResolvedTestServer {
  executable: EphemeralServerExecutable;
  source: TestServerSource;
  description: string;
}

export interface ResolveTestServerOptions {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Resolve the classpath with Maven and write the wrapper when missing. Default true. */
  install?: boolean;
  /** Repository root holding tools/test-server/pom.xml and .tools/. */
  root?: string;
}

export class TestServerNotFoundError extends Error {
  override readonly name = 'TestServerNotFoundError';
}

const MAIN_CLASS = 'io.temporal.testserver.TestServer';
const WRAPPER_NAME = 'temporal-test-server';
/**
 * sdk-core gives the server ~5 s to answer and these machines have 2 cores, so start fast: C1 only (the server does
 * little work per request), the serial GC, no perf-data file, and a class-data-sharing archive of the startup classes
 * (about 0.6 s to 0.2 s until the port is open). `-Xlog:cds=off` keeps a stale archive from printing warnings: the
 * JVM then just starts without it.
 */
const JVM_FLAGS = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-XX:-UsePerfData',
  '-Xlog:cds=off',
  '-Xlog:cds+dynamic=off',
];

export async function resolveTestServer(options: ResolveTestServerOptions = {}): Promise<ResolvedTestServer> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const install = options.install ?? true;

  const explicit = env.TEMPORAL_TEST_SERVER_PATH;
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new TestServerNotFoundError(`TEMPORAL_TEST_SERVER_PATH=${explicit} is not an executable file`);
    }
    return existing(explicit, 'env', `${explicit} (from TEMPORAL_TEST_SERVER_PATH)`);
  }

  const java =
    env.JAVA_HOME && isExecutableFile(join(env.JAVA_HOME, 'bin', 'java'))
      ? join(env.JAVA_HOME, 'bin', 'java')
      : findOnPath('java', env.PATH);
  if (java) {
    const root = options.root ?? projectRoot();
    const pom = readFileSync(testServerPomPath(root), 'utf8');
    const coordinates = `io.temporal:temporal-test-server:${pinnedVersion(pom)}`;
    // Keyed on the pom and the JVM: a CDS archive is only valid for the JVM build that wrote it.
    const javaVersion = (await runCommand(java, ['-version'], { env })).stderr.trim();
    const key = createHash('sha256')
      .update(pom)
      .update('\0')
      .update(java)
      .update('\0')
      .update(javaVersion)
      .digest('hex');
    const dir = join(toolsDir(root), 'test-server', key.slice(0, 16));
    const wrapper = join(dir, WRAPPER_NAME);

    if (isExecutableFile(wrapper) && classpathStillThere(dir)) {
      return existing(wrapper, 'cached', `${wrapper} (${coordinates}, ${javaVersion.split('\n')[0]})`);
    }
    const mvn = findOnPath('mvn', env.PATH);
    if (install && mvn) {
      const started = Date.now();
      log(`Preparing the Java test server ${coordinates} in ${dir}`);
      try {
        await prepare({ dir, wrapper, java, mvn, pomPath: testServerPomPath(root), env, log });
        removeSiblings(dir);
        log(`  ready in ${formatSeconds(Date.now() - started)}`);
        return existing(wrapper, 'prepared', `${wrapper} (${coordinates}, just prepared)`);
      } catch (error) {
        log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } else if (!mvn) {
      log('Java test server: no `mvn` to resolve its classpath.');
    }
  } else {
    log('Java test server: no TEMPORAL_TEST_SERVER_PATH and no `java`.');
  }
  log(
    "Java test server: falling back to the SDK's cached-download (needs internet access to temporal.download).",
  );
  return {
    executable: { type: 'cached-download' },
    source: 'cached-download',
    description: 'SDK cached-download (fetched from temporal.download on first use)',
  };
}

function existing(path: string, source: TestServerSource, description: string): ResolvedTestServer {
  return { executable: { type: 'existing-path', path }, source, description };
}

function pinnedVersion(pom: string): string {
  const match = /<artifactId>temporal-test-server<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  return match?.[1] ?? 'unknown';
}

function classpathFile(dir: string): string {
  return join(dir, 'classpath.txt');
}

/** A cleaned ~/.m2 invalidates the cached wrapper even though the pom did not change. */
function classpathStillThere(dir: string): boolean {
  try {
    const entries = readFileSync(classpathFile(dir), 'utf8').trim().split(':');
    return entries.length > 0 && entries.every((entry) => existsSync(entry));
  } catch {
    return false;
  }
}

interface PrepareOptions {
  dir: string;
  wrapper: string;
  java: string;
  mvn: string;
  pomPath: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

async function prepare({ dir, wrapper, java, mvn, pomPath, env, log }: PrepareOptions): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const cpFile = classpathFile(dir);

  let started = Date.now();
  log('  resolving the classpath with Maven (~40 jars, downloaded from Maven Central unless ~/.m2 has them)');
  const mvnResult = await runCommand(
    mvn,
    [
      '-B',
      '-q',
      '-Dstyle.color=never',
      '-f',
      pomPath,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${cpFile}.tmp`,
    ],
    { env },
  );
  if (mvnResult.code !== 0 || !existsSync(`${cpFile}.tmp`)) {
    throw new TestServerNotFoundError(
      `mvn exited ${mvnResult.code}:\n${tail(mvnResult.stdout + mvnResult.stderr)}`,
    );
  }
  renameSync(`${cpFile}.tmp`, cpFile);
  const classpath = readFileSync(cpFile, 'utf8').trim();
  log(`  classpath: ${classpath.split(':').length} jars in ${formatSeconds(Date.now() - started)}`);

  started = Date.now();
  const archive = join(dir, 'startup.jsa');
  const archived = await dumpStartupArchive(java, classpath, archive, env);
  log(
    archived
      ? `  class-data-sharing archive written in ${formatSeconds(Date.now() - started)}`
      : `  no class-data-sharing archive (${formatSeconds(Date.now() - started)}): starting without it`,
  );

  const flags = archived ? [...JVM_FLAGS, `-XX:SharedArchiveFile=${archive}`] : JVM_FLAGS;
  const script = [
    '#!/bin/sh',
    '# Generated by src/temporal/java-test-server.ts from tools/test-server/pom.xml; delete .tools/ to regenerate.',
    '# `exec` matters: sdk-core stops the server by sending SIGKILL to this PID, which must be the JVM itself.',
    `exec ${[java, ...flags, '-cp', classpath, MAIN_CLASS].map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
  writeFileSync(`${wrapper}.tmp`, script, { mode: 0o755 });
  renameSync(`${wrapper}.tmp`, wrapper);
}

/**
 * Starts the server once with -XX:ArchiveClassesAtExit, waits until its port is open, then stops it with SIGTERM (a
 * normal JVM exit, which is when the dynamic archive is written).
 */
async function dumpStartupArchive(
  java: string,
  classpath: string,
  archive: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const partial = `${archive}.tmp`;
  rmSync(partial, { force: true });
  const port = await findFreePort();
  const child = spawn(
    java,
    [...JVM_FLAGS, `-XX:ArchiveClassesAtExit=${partial}`, '-cp', classpath, MAIN_CLASS, String(port)],
    {
      env,
      stdio: 'ignore',
    },
  );
  let running = true;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    running = false;
  });
  try {
    const ready = await Promise.race([
      waitForPort(port, 30_000, () => !running).then(
        () => true,
        () => false,
      ),
      exited.then(() => false),
    ]);
    if (!ready) return false;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000)))]);
    clearTimeout(timer);
  } finally {
    if (running) child.kill('SIGKILL');
  }
  if (!existsSync(partial)) return false;
  renameSync(partial, archive);
  return true;
}

function removeSiblings(keep: string): void {
  const parent = join(keep, '..');
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (path !== keep) rmSync(path, { recursive: true, force: true });
  }
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
