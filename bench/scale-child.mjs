/**
 * One load of a generated account file, in a process of its own, for `npm run bench -- scale`
 * (bench/scale.ts starts it with `node`). Plain JavaScript on the built service (dist/) rather than
 * TypeScript under tsx: a loader in this process would add its own memory to the RSS we measure.
 *
 * argv[2]: JSON { loader, file, queriesFile, lookups }. Loads `file` with the production loader
 * (FileDirectory.open, as `npm start` does) when `loader` is "production"; with "zod" (the baseline),
 * the same steps with the shape checked by zod alone, as for a file the fast check refuses. Then it
 * looks up the queries of `queriesFile` (an array of {domain, address}) round-robin through the
 * loaded directory, one at a time, `lookups` times.
 * Prints one JSON line: load time, RSS before and after, peak RSS, lookups per second.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { readDataFile } from '../dist/config/read-data-file.js';
import { buildDirectoryData, checkShapeWithZod } from '../dist/directory/directory-data.js';
import { FileDirectory } from '../dist/directory/file-directory.js';

const MB = 1024 * 1024;

/** FileDirectory.open's steps (readDirectoryFile → parseDirectoryData), the shape checked by zod only. */
function openWithZodShapeCheck(file) {
  const raw = readDataFile(file);
  if (!raw.ok) return { ok: false, error: [raw.error] };
  const shaped = checkShapeWithZod(file, raw.value);
  if (!shaped.ok) return shaped;
  const data = buildDirectoryData(file, shaped.value);
  return data.ok ? { ok: true, value: FileDirectory.fromData(data.value) } : data;
}

const LOADERS = { production: (file) => FileDirectory.open(file), zod: openWithZodShapeCheck };

async function main() {
  const { loader, file, queriesFile, lookups } = JSON.parse(process.argv[2]);
  const open = LOADERS[loader];
  if (open === undefined) throw new Error(`unknown loader ${loader}`);
  const rssBeforeMb = process.memoryUsage().rss / MB;

  const started = performance.now();
  const opened = open(file);
  const loadMs = performance.now() - started;
  if (!opened.ok) throw new Error(opened.error.slice(0, 5).join('\n'));
  // maxRSS is in KiB: the peak includes the parsed JSON, garbage once the maps are built.
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / MB;
  const rssAfterMb = process.memoryUsage().rss / MB;

  const directory = opened.value;
  const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
  let known = 0;
  const lookupStarted = performance.now();
  for (let index = 0; index < lookups; index++) {
    const answer = await directory.lookup(queries[index % queries.length]);
    if (answer.hosted && answer.mailbox === 'known') known += 1;
  }
  const lookupSeconds = (performance.now() - lookupStarted) / 1000;
  await directory.close();
  process.stdout.write(
    `${JSON.stringify({ loadMs, rssBeforeMb, peakRssMb, rssAfterMb, lookupsPerSecond: lookups / lookupSeconds, known })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
