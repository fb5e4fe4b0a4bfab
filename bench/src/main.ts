// `npm run bench`: see bench-options.ts for the options and README's Performance section for what it measures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_USAGE, BenchUsageError, parseBenchOptions } from './bench-options';
import { renderReport } from './report';
import { benchResultsSchema, type BenchResults } from './results-schema';
import { runRoutineBench } from './routine-bench';
import { runSleepingBench } from './sleeping-bench';

export async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`npm run bench: ${error.message}\n\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  // A file name per run (':' is not welcome in every file system): runs never overwrite each other.
  const stamp = new Date()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const name = options.sleeping ? `${stamp}-sleeping` : stamp;
  mkdirSync(options.resultsDir, { recursive: true });

  let results: BenchResults;
  if (options.sleeping) {
    results = await runSleepingBench(options, say);
  } else {
    const run = await runRoutineBench(options, say, `${name}.png`);
    writeFileSync(join(options.resultsDir, `${name}.png`), run.chart);
    results = run.results;
  }
  const file = join(options.resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(benchResultsSchema.parse(results), null, 2)}\n`);
  process.stdout.write(`${renderReport(results)}\n`);
  say(`\nResults: ${file}${options.sleeping ? '' : ` and ${name}.png beside it`}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    // Explicit: the Temporal runtime's threads must not keep a finished benchmark alive.
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
