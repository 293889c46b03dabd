/**
 * `npm run bench`: every benchmark in sequence (bounded, loopback only). Name some to run only
 * those: `npm run bench -- directories`.
 */
import { benchDirectories } from './directories';
import { benchHttp } from './http';
import { benchLookup } from './lookup';

const BENCHES: ReadonlyArray<{ readonly name: string; readonly run: () => Promise<void> }> = [
  { name: 'http', run: benchHttp },
  { name: 'directories', run: benchDirectories },
  { name: 'lookup', run: benchLookup },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0)
    throw new Error(
      `unknown bench ${unknown.join(', ')}; choose from ${BENCHES.map((bench) => bench.name).join(', ')}`,
    );
  for (const bench of BENCHES) {
    if (wanted.length === 0 || wanted.includes(bench.name)) await bench.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
