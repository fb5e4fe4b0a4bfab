#!/usr/bin/env node
// The `flinks-refresh` bin: the built CLI when `npm run build` made one, else the TypeScript source through
// ts-node (transpile only, with swc when installed), so `npx flinks-refresh` works right after `npm ci`.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'lib', 'cli', 'main.js');
if (existsSync(built)) {
  require(built).run();
} else {
  let swc = false;
  try {
    require.resolve('@swc/core');
    swc = true;
  } catch {
    // ts-node's own transpiler is slower to start, and enough.
  }
  require('ts-node').register({ project: join(root, 'tsconfig.json'), transpileOnly: true, swc });
  require(join(root, 'src', 'cli', 'main.ts')).run();
}
