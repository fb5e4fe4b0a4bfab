// The worker runs as JavaScript, as in production (`node lib/worker.js`), not under ts-node: the TypeScript
// compiler ts-node loads would add some 45 MB to the RSS the benchmark reports. swc (a devDependency) strips
// the types file by file in well under a second; the output stays inside the project so that node_modules
// resolve as they do for src/.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

const ROOT = join(__dirname, '..', '..', '..');

export interface CompiledWorker {
  /** The worker process's entry, to run with `node`. */
  entry: string;
  /** Deletes the output, once the worker process has exited. */
  remove(): void;
}

/** Transpiles src/ and the bench's worker entry into a directory of this run's own. */
export function compileWorker(): CompiledWorker {
  // One directory per run: a smoke run under `npm test` may compile while a long run's worker is starting.
  const OUT = join(ROOT, 'node_modules', '.cache', 'flinks-refresh-bench', `${process.pid}-${Date.now()}`);
  for (const dir of [join(ROOT, 'src'), __dirname]) {
    for (const file of typeScriptFiles(dir)) {
      const target = join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js');
      const { code } = transformFileSync(file, {
        swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }
  }
  return {
    entry: join(OUT, relative(ROOT, __dirname), 'worker-process.js'),
    remove: () => rmSync(OUT, { recursive: true, force: true }),
  };
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
