// docker-compose.yml and docker-compose.production.yml read without a Docker engine: parsed as compose parses them
// (`<<: *anchor` merge keys, the `!reset` tag), with compose's `${VAR…}` interpolation, and container paths mapped
// back to the files in this repository that the service's volumes mount there.
import { readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { type CollectionTag, parse } from 'yaml';

export const root = join(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[]; start_period?: string };
  ports?: string[];
  profiles?: string[] | { reset: string[] };
  environment?: Record<string, string>;
  volumes?: string[];
  restart?: string;
  stop_grace_period?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** `!reset []` (Compose 2.24+: the override empties the list) reads as `{ reset: [] }`. */
const RESET_TAG: CollectionTag = {
  tag: '!reset',
  collection: 'seq',
  resolve: (seq) => ({ reset: seq.toJSON() }),
};

export function readComposeFile(file: string): ComposeFile {
  return parse(readFileSync(join(root, file), 'utf8'), {
    merge: true,
    customTags: [RESET_TAG],
  }) as ComposeFile;
}

export class MissingComposeVariableError extends Error {
  override readonly name = 'MissingComposeVariableError';
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`,
 * `$$` for a `$`. A required variable that is missing throws, naming it, as `docker compose` refuses to start.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, kind: string, word: string) => {
      if (name === undefined) return '$';
      const set = env[name];
      const missing = set === undefined || (colon === ':' && set === '');
      if (!missing) return set;
      if (kind === '?') throw new MissingComposeVariableError(`${name}: ${word}`);
      return kind === '-' ? word : '';
    },
  );
}

/** A service's environment as its container gets it, given the shell's variables. */
export function containerEnv(
  service: ComposeService | undefined,
  env: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([name, value]) => [
      name,
      interpolate(String(value), env),
    ]),
  );
}

/** The repository path (relative, posix) that one of the service's `./host:/container` volumes puts at `path`. */
export function mountedFrom(service: ComposeService | undefined, path: string): string | undefined {
  for (const volume of service?.volumes ?? []) {
    const [host, container] = volume.split(':');
    if (!host?.startsWith('.') || container === undefined) continue;
    const inside = posix.relative(container, path);
    if (!inside.startsWith('..'))
      return relative(root, join(root, host, inside))
        .split('\\')
        .join('/');
  }
  return undefined;
}
