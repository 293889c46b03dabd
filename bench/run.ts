/**
 * `npm run bench`: every benchmark in sequence (bounded, loopback only). Name some to run only
 * those: `npm run bench -- directories`. `--quick` runs shorter versions where a bench has one;
 * `--quick` alone, with no bench named, runs only the HTTP side-by-side table (quick, under a
 * minute): `npm run bench -- scale --quick` runs the named ones' quick versions.
 */
import { benchCacheMiss } from './cache-miss';
import { benchDirectories } from './directories';
import type { BenchOptions } from './bench-options';
import { benchHttp } from './http';
import { benchLookup } from './lookup';
import { benchScale } from './scale';

const BENCHES: ReadonlyArray<{ readonly name: string; readonly run: (options: BenchOptions) => Promise<void> }> = [
  { name: 'http', run: benchHttp },
  { name: 'directories', run: benchDirectories },
  { name: 'lookup', run: benchLookup },
  { name: 'scale', run: benchScale },
  { name: 'cache-miss', run: benchCacheMiss },
];
const FLAGS = [
  {
    flag: '--quick',
    help: 'shorter versions of the benches named; with none named, only the HTTP side-by-side table (under a minute)',
  },
] as const;
/** What `--quick` alone runs: the one table everyone reruns, in under a minute. */
const QUICK_DEFAULT = ['http'];

/** A mistake in the command line: said in one line with the usage, not as a stack. */
class UsageError extends Error {}

function usage(): string {
  return [
    'Usage: npm run bench [-- [BENCH...] [--quick]]',
    `  BENCH: ${BENCHES.map((bench) => bench.name).join(', ')} (default: all, in that order)`,
    ...FLAGS.map(({ flag, help }) => `  ${flag}: ${help}`),
    '  --help: this text',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage());
    return;
  }
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const unknown = [
    ...wanted.filter((name) => !BENCHES.some((bench) => bench.name === name)),
    ...args.filter((arg) => arg.startsWith('--') && !FLAGS.some(({ flag }) => flag === arg)),
  ];
  if (unknown.length > 0) throw new UsageError(`unknown bench or flag: ${unknown.join(', ')}\n${usage()}`);
  const options: BenchOptions = { quick: args.includes('--quick') };
  const chosen = wanted.length > 0 ? wanted : options.quick ? QUICK_DEFAULT : BENCHES.map((bench) => bench.name);
  for (const bench of BENCHES) {
    if (chosen.includes(bench.name)) await bench.run(options);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  console.error(error);
  process.exitCode = 1;
});
