/**
 * Large directories (`npm run bench -- scale`, `--quick` for a shorter run), issue 8's scale figures:
 *
 * - File directory: account files of 100k and 1M mailboxes (bench/generated-directory.ts) are
 *   written in the format of config/accounts.json, in a temporary folder removed afterwards. Each is
 *   loaded by the production loader (FileDirectory.open from dist/, as `npm start` loads it) and,
 *   as the baseline, with zod's shape check alone, each load in a fresh child process
 *   (bench/scale-child.mjs), which reports the load time, its RSS before and after, the peak RSS,
 *   and lookups per second through the loaded directory.
 * - PostgreSQL directory: the same mailboxes as rows (generate_series, in a schema of its own,
 *   dropped afterwards), uncached lookups through PostgresDirectory one at a time and 16 in flight:
 *   p50, p99 and lookups per second, side by side with a table of 1,000 mailboxes in the same run.
 */
import { execFile } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import pino from 'pino';
import type { AccountDirectory, AccountQuery } from '../src/directory/account-directory';
import { createPool, PostgresDirectory, type PostgresSettings } from '../src/directory/postgres-directory';
import { quoteIdentifier } from '../src/directory/postgres-schema';
import { postgresSettings } from './directories';
import {
  addressOf,
  createGeneratedSchema,
  domainOf,
  isListed,
  unknownAddressOf,
  writeAccountFile,
} from './generated-directory';
import { buildIfStale, makeWorkDir } from './http-targets';
import type { BenchOptions } from './bench-options';
import { decimal, median, percentile, wholeNumber } from './stats';

const DISTINCT_QUERIES = 100_000;
const SMALL_TABLE_MAILBOXES = 1_000;
const PLANS = {
  quick: { fileSizes: [100_000], loadsPerSize: 1, fileLookups: 200_000, postgresRows: 100_000, postgresLookups: 2_000 },
  full: {
    fileSizes: [100_000, 1_000_000],
    loadsPerSize: 3,
    fileLookups: 2_000_000,
    postgresRows: 1_000_000,
    postgresLookups: 20_000,
  },
} as const;
const POSTGRES_IN_FLIGHT = [1, 16] as const;
/** Issue 8's target for a 100k-mailbox file. */
const TARGET = { mailboxes: 100_000, loadSeconds: 1, rssMb: 150 } as const;

const CHILD_SCRIPT = path.join(__dirname, 'scale-child.mjs');
const execFileAsync = promisify(execFile);

/**
 * Lookups spread over the whole directory: three in four name a listed mailbox, one in four an
 * unknown mailbox at a hosted domain (answered with the domain default).
 */
function scaleQueries(mailboxes: number): AccountQuery[] {
  return Array.from({ length: Math.min(DISTINCT_QUERIES, mailboxes) }, (_, q) => {
    const index = (q * 7919 + 13) % mailboxes;
    return { domain: domainOf(index), address: q % 4 === 3 ? unknownAddressOf(index) : addressOf(index) };
  });
}

/** Listed mailboxes among `lookups` round-robin lookups of `queries`: what a correct directory reports as known. */
function expectedKnown(queries: readonly AccountQuery[], lookups: number): number {
  const listedPerPass = queries.filter(isListed).length;
  const whole = Math.floor(lookups / queries.length);
  const rest = queries.slice(0, lookups % queries.length).filter(isListed);
  return whole * listedPerPass + rest.length;
}

interface LoadFigures {
  readonly loadMs: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
  readonly rssAfterMb: number;
  readonly lookupsPerSecond: number;
  readonly known: number;
}

/** bench/scale-child.mjs's loaders: FileDirectory.open, and the same with zod's shape check only (the baseline). */
const LOADERS = [
  { key: 'production', name: 'FileDirectory.open (fast shape check)' },
  { key: 'zod', name: 'zod shape check only (baseline)' },
] as const;
type Loader = (typeof LOADERS)[number];

async function loadInChild(loader: Loader, file: string, queriesFile: string, lookups: number): Promise<LoadFigures> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [CHILD_SCRIPT, JSON.stringify({ loader: loader.key, file, queriesFile, lookups })],
    { maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout) as LoadFigures;
}

interface FileRow {
  readonly mailboxes: number;
  readonly fileMb: number;
  readonly loader: Loader;
  readonly loads: readonly LoadFigures[];
}

/** Loads of one generated file, the loaders taking turns (the first rotating) so drift hits both alike. */
async function benchFileSize(
  workDir: string,
  mailboxes: number,
  plan: (typeof PLANS)[keyof typeof PLANS],
): Promise<FileRow[]> {
  const file = path.join(workDir, `accounts-${mailboxes}.json`);
  const queriesFile = path.join(workDir, `queries-${mailboxes}.json`);
  writeAccountFile(file, mailboxes);
  const queries = scaleQueries(mailboxes);
  writeFileSync(queriesFile, JSON.stringify(queries));
  const expected = expectedKnown(queries, plan.fileLookups);
  const loads = new Map<Loader, LoadFigures[]>(LOADERS.map((loader) => [loader, []]));
  try {
    for (let run = 0; run < plan.loadsPerSize; run++) {
      for (const loader of run % 2 === 0 ? LOADERS : [...LOADERS].reverse()) {
        const figures = await loadInChild(loader, file, queriesFile, plan.fileLookups);
        if (figures.known !== expected)
          throw new Error(`${loader.name} found ${figures.known} listed mailboxes of ${mailboxes}, not ${expected}`);
        loads.get(loader)?.push(figures);
      }
    }
    const fileMb = statSync(file).size / (1024 * 1024);
    return LOADERS.map((loader) => ({ mailboxes, fileMb, loader, loads: loads.get(loader) ?? [] }));
  } finally {
    rmSync(file, { force: true });
    rmSync(queriesFile, { force: true });
  }
}

function printFileTable(rows: readonly FileRow[], plan: (typeof PLANS)[keyof typeof PLANS]): void {
  console.log(
    `\nFile directory at scale: each load in a fresh child process on dist/, ${plan.loadsPerSize} load(s) ` +
      `per size and loader, taking turns (medians shown); lookups: ${wholeNumber(plan.fileLookups)} one at a time through the loaded directory ` +
      `(3 in 4 listed mailboxes, 1 in 4 unknown); ${availableParallelism()} cores, node ${process.version}`,
  );
  console.log(
    '| mailboxes (file MB) | loader | load s | peak RSS MB | RSS after load MB | RSS before load MB | lookups/s |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const pick = (field: keyof LoadFigures): number => median(row.loads.map((load) => load[field]));
    console.log(
      `| ${wholeNumber(row.mailboxes)} (${decimal(row.fileMb, 1)}) | ${row.loader.name} | ${decimal(pick('loadMs') / 1000)} | ` +
        `${wholeNumber(pick('peakRssMb'))} | ${wholeNumber(pick('rssAfterMb'))} | ${wholeNumber(pick('rssBeforeMb'))} | ` +
        `${wholeNumber(pick('lookupsPerSecond'))} |`,
    );
  }
  const target = rows.find((row) => row.mailboxes === TARGET.mailboxes && row.loader.key === 'production');
  if (target !== undefined) {
    const worstLoad = Math.max(...target.loads.map((load) => load.loadMs)) / 1000;
    const worstRss = Math.max(...target.loads.map((load) => load.peakRssMb));
    const met = worstLoad < TARGET.loadSeconds && worstRss < TARGET.rssMb;
    console.log(
      `\nissue 8 target for ${wholeNumber(TARGET.mailboxes)} mailboxes (load < ${TARGET.loadSeconds} s, RSS < ${TARGET.rssMb} MB): ` +
        `${met ? 'met' : 'NOT met'} (slowest load ${decimal(worstLoad)} s, highest peak RSS ${wholeNumber(worstRss)} MB)`,
    );
  }
}

interface LookupTimes {
  readonly perSecond: number;
  readonly latenciesMs: readonly number[];
}

/** `count` lookups with `inFlight` at a time, each one timed. */
async function timedLookups(
  directory: AccountDirectory,
  queries: readonly AccountQuery[],
  count: number,
  inFlight: number,
  offset: number,
): Promise<LookupTimes> {
  const latenciesMs: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let index = issued++; index < count; index = issued++) {
        const query = queries[(offset + index) % queries.length] as AccountQuery;
        const before = performance.now();
        await directory.lookup(query);
        latenciesMs.push(performance.now() - before);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), latenciesMs };
}

interface PostgresTable {
  readonly label: string;
  readonly settings: PostgresSettings;
  readonly mailboxes: number;
  readonly queries: readonly AccountQuery[];
}

async function benchPostgresScale(plan: (typeof PLANS)[keyof typeof PLANS]): Promise<void> {
  const base = postgresSettings();
  if (typeof base === 'string') {
    console.log(`\nPostgreSQL directory at scale: ${base}`);
    return;
  }
  const tables: PostgresTable[] = [
    { label: 'small table', mailboxes: SMALL_TABLE_MAILBOXES },
    { label: 'large table', mailboxes: plan.postgresRows },
  ].map(({ label, mailboxes }) => ({
    label,
    mailboxes,
    settings: { ...base, schema: `${base.schema}_${String(mailboxes)}` },
    queries: scaleQueries(mailboxes),
  }));
  // Inserting a million rows takes longer than a lookup's statement timeout.
  const admin = createPool({ ...base, statementTimeoutMs: 600_000 }, 'mail-autodiscover-bench');
  admin.on('error', () => undefined);
  const directories: PostgresDirectory[] = [];
  try {
    await admin.query('SELECT 1');
  } catch (error) {
    await admin.end();
    console.log(`\nPostgreSQL directory at scale: skipped: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  try {
    for (const table of tables) {
      const started = performance.now();
      await createGeneratedSchema(admin, table.settings.schema, table.mailboxes);
      console.log(
        `PostgreSQL: ${wholeNumber(table.mailboxes)} mailboxes inserted and analysed in ${decimal((performance.now() - started) / 1000, 1)} s`,
      );
    }
    for (const table of tables) directories.push(new PostgresDirectory(table.settings, pino({ level: 'silent' })));
    // Sanity: the rows are the mailboxes the queries name.
    for (const [index, directory] of directories.entries()) {
      const query = tables[index]?.queries[0] as AccountQuery;
      const answer = await directory.lookup(query);
      if (!answer.hosted || answer.mailbox !== 'known') throw new Error(`${query.address ?? ''} is not in the table`);
    }

    // Rounds alternate the tables so machine drift hits both alike; each round asks other mailboxes.
    const rounds = 2;
    const times = new Map<string, LookupTimes[]>();
    for (let round = 0; round < rounds; round++) {
      for (const inFlight of POSTGRES_IN_FLIGHT) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        for (const index of order) {
          const table = tables[index] as PostgresTable;
          const directory = directories[index] as PostgresDirectory;
          const key = `${table.label} ${String(inFlight)}`;
          const offset = round * plan.postgresLookups;
          const measured = await timedLookups(directory, table.queries, plan.postgresLookups, inFlight, offset);
          times.set(key, [...(times.get(key) ?? []), measured]);
        }
      }
    }
    console.log(
      `\nPostgreSQL directory, uncached lookups through PostgresDirectory (pool of ${String(base.poolMax)}, prepared ` +
        `lookup, loopback; ${String(rounds)} alternating rounds of ${wholeNumber(plan.postgresLookups)} lookups per cell, ` +
        '3 in 4 listed mailboxes, 1 in 4 unknown)',
    );
    console.log('| table (mailboxes) | in flight | lookups/s | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const inFlight of POSTGRES_IN_FLIGHT) {
      for (const table of tables) {
        const cells = times.get(`${table.label} ${String(inFlight)}`) ?? [];
        const latencies = cells.flatMap((cell) => cell.latenciesMs);
        const lookups = cells.length * plan.postgresLookups;
        const seconds = cells.reduce((total, cell) => total + plan.postgresLookups / cell.perSecond, 0);
        console.log(
          `| ${table.label} (${wholeNumber(table.mailboxes)}) | ${String(inFlight)} | ${wholeNumber(lookups / seconds)} | ` +
            `${decimal(percentile(latencies, 0.5))} | ${decimal(percentile(latencies, 0.99))} |`,
        );
      }
    }
  } finally {
    await Promise.all(directories.map((directory) => directory.close()));
    for (const table of tables)
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(table.settings.schema)} CASCADE`);
    await admin.end();
  }
}

export async function benchScale(options: BenchOptions = { quick: false }): Promise<void> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  const started = performance.now();
  buildIfStale();
  const workDir = makeWorkDir();
  try {
    const rows: FileRow[] = [];
    for (const mailboxes of plan.fileSizes) rows.push(...(await benchFileSize(workDir, mailboxes, plan)));
    printFileTable(rows, plan);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  await benchPostgresScale(plan);
  console.log(`scale bench took ${String(Math.round((performance.now() - started) / 1000))} s`);
}

if (require.main === module) {
  benchScale({ quick: process.argv.includes('--quick') }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
