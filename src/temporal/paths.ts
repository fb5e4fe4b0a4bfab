// Where the repository's tool inputs (tools/) and generated tools (.tools/, gitignored) live.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class ProjectRootNotFoundError extends Error {
  override readonly name = 'ProjectRootNotFoundError';
}

/**
 * The repository root, found by walking up to tools/test-server/pom.xml, so the same code works from src/
 * (ts-node, jest) and from the compiled lib/src/.
 */
export function projectRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tools', 'test-server', 'pom.xml'))) return dir;
    if (dirname(dir) === dir) {
      throw new ProjectRootNotFoundError(`no tools/test-server/pom.xml above ${start}`);
    }
  }
}

export function testServerPomPath(root = projectRoot()): string {
  return join(root, 'tools', 'test-server', 'pom.xml');
}

/** Generated executables and caches; gitignored, safe to delete. */
export function toolsDir(root = projectRoot()): string {
  return join(root, '.tools');
}
