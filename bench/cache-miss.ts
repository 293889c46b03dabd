/**
 * Cache misses through HTTP (`npm run bench -- cache-miss`, `--quick` for a shorter run): the real
 * service as `npm start` runs it (dist/main.js, info logging to stdout, here /dev/null), rate
 * limit off, in four configurations started side by side as child processes:
 *   - file directory (a generated account file) + in-process cache;
 *   - file directory + Redis cache;
 *   - PostgreSQL directory (the same mailboxes as rows) + in-process cache;
 *   - PostgreSQL directory + Redis cache.
 * Each is driven with Thunderbird's `GET /mail/config-v1.1.xml?emailaddress=…` two ways: every
 * request naming an address no request named before (every one a cache miss: cache read, directory
 * lookup, cache write), and, as the baseline, one address over and over (cache hits). Rounds are
 * interleaved (round → configuration → hit/miss, the orders rotating) so machine drift hits every
 * cell alike. Each configuration has its own Redis key prefix and its own addresses; the schema,
 * the keys and the files are removed afterwards. PostgreSQL and Redis come from the same variables
 * as the other benches; a configuration whose backend is not reachable is skipped.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createPool, type PostgresSettings } from '../src/directory/postgres-directory';
import { quoteIdentifier } from '../src/directory/postgres-schema';
import { runBurst, summariseBursts, type Burst } from './burst';
import { postgresSettings } from './directories';
import { addressOf, createGeneratedSchema, domainOf, writeAccountFile } from './generated-directory';
import {
  freePorts,
  HOST,
  startService,
  stopAll,
  waitUntilListening,
  withChildProcesses,
  writeServiceConfigWith,
  type ChildTarget,
} from './http-targets';
import type { BenchOptions } from './bench-options';
import { loopbackRedisUrl } from './lookup';
import { decimal, wholeNumber } from './stats';

const CONNECTIONS = 50;
const PLANS = {
  quick: { mailboxes: 20_000, warmUpSeconds: 0.2, rounds: 2, burstSeconds: 0.5 },
  full: { mailboxes: 100_000, warmUpSeconds: 0.5, rounds: 5, burstSeconds: 1 },
} as const;
type Plan = (typeof PLANS)[keyof typeof PLANS];

const thunderbirdPath = (address: string): string =>
  `/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(address)}`;

/** The cache-hit address: asked before timing, so every timed request for it is a hit. */
const HIT_ADDRESS = addressOf(0);

interface Configuration {
  readonly name: string;
  readonly directory: 'file' | 'postgres';
  readonly cache: 'in-process' | 'redis';
}

const CONFIGURATIONS: readonly Configuration[] = [
  { name: 'file + in-process cache', directory: 'file', cache: 'in-process' },
  { name: 'file + Redis cache', directory: 'file', cache: 'redis' },
  { name: 'PostgreSQL + in-process cache', directory: 'postgres', cache: 'in-process' },
  { name: 'PostgreSQL + Redis cache', directory: 'postgres', cache: 'redis' },
];

interface Target {
  readonly configuration: Configuration;
  readonly process: ChildTarget;
  readonly redisKeyPrefix: string | null;
  /** Addresses asked so far: the next miss asks mailbox `missesAsked + 1`. */
  missesAsked: number;
}

const MODES = ['cache hit', 'cache miss'] as const;
type Mode = (typeof MODES)[number];

/**
 * The address of the `count`-th miss: listed mailboxes while there are, then mailboxes no one
 * listed at the hosted domains (answered with the domain default). Never one asked before.
 */
function missAddress(count: number, mailboxes: number): string {
  return count < mailboxes ? addressOf(count) : `nobody.${count}@${domainOf(count % mailboxes)}`;
}

/** The directory and cache sections of each configuration's config file. */
interface Backends {
  readonly accountFile: string;
  readonly postgres: PostgresSettings | null;
  readonly redisUrl: string | null;
}

function configSections(configuration: Configuration, backends: Backends, keyPrefix: string): Record<string, unknown> {
  const directory =
    configuration.directory === 'file'
      ? { type: 'file', file: backends.accountFile, watch: false }
      : { type: 'postgres', url: backends.postgres?.url, schema: backends.postgres?.schema };
  const cache = configuration.cache === 'redis' ? { redis: { url: backends.redisUrl, keyPrefix } } : {};
  return { rateLimit: { enabled: false }, directory, cache };
}

async function expectOk(target: Target, address: string): Promise<void> {
  const response = await fetch(`http://${HOST}:${target.process.port}${thunderbirdPath(address)}`);
  await response.arrayBuffer();
  if (response.status !== 200)
    throw new Error(`${target.configuration.name} answered ${address} with ${response.status}`);
}

async function burst(target: Target, mode: Mode, seconds: number, plan: Plan): Promise<Burst> {
  const url = `http://${HOST}:${target.process.port}${thunderbirdPath(HIT_ADDRESS)}`;
  if (mode === 'cache hit') return runBurst({ url, connections: CONNECTIONS, duration: seconds });
  return runBurst({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          target.missesAsked += 1;
          return { ...request, path: thunderbirdPath(missAddress(target.missesAsked, plan.mailboxes)) };
        },
      },
    ],
  });
}

/** Why PostgreSQL is skipped, or its settings once the generated schema is in place. */
async function preparePostgres(mailboxes: number): Promise<PostgresSettings | string> {
  const settings = postgresSettings();
  if (typeof settings === 'string') return settings;
  // Inserting the rows takes longer than a lookup's statement timeout.
  const admin = createPool({ ...settings, statementTimeoutMs: 600_000 }, 'mail-autodiscover-bench');
  admin.on('error', () => undefined);
  try {
    await createGeneratedSchema(admin, settings.schema, mailboxes);
    return settings;
  } catch (error) {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(settings.schema)} CASCADE`).catch(() => undefined);
    return `skipped: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await admin.end();
  }
}

async function dropPostgres(settings: PostgresSettings): Promise<void> {
  const admin = createPool(settings, 'mail-autodiscover-bench');
  admin.on('error', () => undefined);
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(settings.schema)} CASCADE`);
  } finally {
    await admin.end();
  }
}

interface RedisBackend {
  readonly url: string;
  /** For checking the keys and removing them. */
  readonly client: Redis;
}

/** The loopback Redis and a client to it, or why Redis is skipped. */
async function connectRedis(): Promise<RedisBackend | string> {
  const url = loopbackRedisUrl();
  if (!url.ok) return url.error;
  const redis = new Redis(url.value, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    connectionName: 'mail-autodiscover-bench',
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { url: url.value, client: redis };
  } catch (error) {
    redis.disconnect();
    return `skipped: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Deletes the keys under `prefix` and returns how many there were. */
async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

export async function benchCacheMiss(options: BenchOptions = { quick: false }): Promise<void> {
  const plan = options.quick ? PLANS.quick : PLANS.full;
  await withChildProcesses('cache-miss', async (workDir) => {
    // Not accounts.json: writeServiceConfigWith copies the example's accounts.json there.
    const accountFile = path.join(workDir, 'generated-accounts.json');
    writeAccountFile(accountFile, plan.mailboxes);
    const postgres = await preparePostgres(plan.mailboxes);
    const redis = await connectRedis();
    const targets: Target[] = [];
    try {
      const backends: Backends = {
        accountFile,
        postgres: typeof postgres === 'string' ? null : postgres,
        redisUrl: typeof redis === 'string' ? null : redis.url,
      };
      const runnable = CONFIGURATIONS.filter((configuration) => {
        const skipped =
          configuration.directory === 'postgres' && typeof postgres === 'string'
            ? `PostgreSQL ${postgres}`
            : configuration.cache === 'redis' && typeof redis === 'string'
              ? `Redis ${redis}`
              : null;
        if (skipped !== null) console.log(`${configuration.name}: ${skipped}`);
        return skipped === null;
      });
      const ports = await freePorts(runnable.length);
      const runId = `bench_${process.pid}_${Date.now().toString(36)}`;
      for (const [index, configuration] of runnable.entries()) {
        const key = `${configuration.directory}-${configuration.cache}`;
        const redisKeyPrefix = configuration.cache === 'redis' ? `${runId}_${key}` : null;
        const configFile = writeServiceConfigWith(
          workDir,
          key,
          configSections(configuration, backends, redisKeyPrefix ?? runId),
        );
        targets.push({
          configuration,
          process: startService(workDir, key, configFile, ports[index] ?? 0),
          redisKeyPrefix,
          missesAsked: 0,
        });
      }
      await Promise.all(targets.map((target) => waitUntilListening(target.process, target.configuration.name)));
      for (const target of targets) {
        await expectOk(target, HIT_ADDRESS);
        target.missesAsked += 1;
        await expectOk(target, missAddress(target.missesAsked, plan.mailboxes));
      }

      console.log(
        `\nCache misses through HTTP: Thunderbird GET, autocannon ${CONNECTIONS} connections, ${plan.rounds} interleaved ` +
          `rounds of ${plan.burstSeconds}s bursts per configuration and mode (after a ${plan.warmUpSeconds}s warm-up ` +
          `burst each); ${wholeNumber(plan.mailboxes)} mailboxes; ${availableParallelism()} cores, node ${process.version}`,
      );
      for (const target of targets) for (const mode of MODES) await burst(target, mode, plan.warmUpSeconds, plan);
      const bursts = new Map<string, Burst[]>();
      for (let round = 0; round < plan.rounds; round++) {
        process.stdout.write(`round ${round + 1}/${plan.rounds}…\n`);
        const order = targets.map((_, i) => targets[(i + round) % targets.length] as Target);
        for (const target of order) {
          for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
            const key = `${target.configuration.name} ${mode}`;
            bursts.set(key, [...(bursts.get(key) ?? []), await burst(target, mode, plan.burstSeconds, plan)]);
          }
        }
      }
      await printTable(targets, bursts, typeof redis === 'string' ? null : redis.client, plan);
    } finally {
      // The services first: they hold connections to the schema and write keys until stopped.
      await stopAll();
      if (typeof redis !== 'string') {
        for (const target of targets)
          if (target.redisKeyPrefix !== null) await deleteKeys(redis.client, target.redisKeyPrefix);
        redis.client.disconnect();
      }
      if (typeof postgres !== 'string') await dropPostgres(postgres);
    }
  });
}

async function printTable(
  targets: readonly Target[],
  bursts: ReadonlyMap<string, readonly Burst[]>,
  redis: Redis | null,
  plan: Plan,
): Promise<void> {
  const failures: string[] = [];
  const checks: string[] = [];
  console.log('\n| directory + cache | addresses asked | req/s | p50 ms | p99 ms | non-2xx | ÷ cache hit |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const target of targets) {
    const { name } = target.configuration;
    const hit = summariseBursts(bursts.get(`${name} cache hit`) ?? []);
    const miss = summariseBursts(bursts.get(`${name} cache miss`) ?? []);
    for (const [mode, summary] of [
      ['cache hit', hit],
      ['cache miss', miss],
    ] as const) {
      console.log(
        `| ${name} | ${mode === 'cache hit' ? 'one address (hits)' : 'a new address each (misses)'} | ` +
          `${wholeNumber(summary.perSecond)} | ${summary.p50} | ${summary.p99} | ${summary.non2xx} | ` +
          `${decimal(summary.perSecond / hit.perSecond)}x |`,
      );
      if (summary.non2xx > 0 || summary.errors > 0)
        failures.push(`${name}, ${mode}: ${summary.non2xx} non-2xx answers, ${summary.errors} errors`);
    }
    const listed = Math.min(target.missesAsked, plan.mailboxes - 1);
    checks.push(
      `${name}: ${wholeNumber(target.missesAsked)} distinct addresses asked (${wholeNumber(listed)} listed mailboxes)`,
    );
    if (redis !== null && target.redisKeyPrefix !== null) {
      const keys = await deleteKeys(redis, target.redisKeyPrefix);
      // Every answered miss stored its own key: fewer keys than answered misses would mean hits.
      checks.push(`${name}: ${wholeNumber(keys)} Redis keys written for ${wholeNumber(miss.requests)} answered misses`);
      if (keys < miss.requests) failures.push(`${name}: fewer Redis keys than misses; some were not misses`);
    }
  }
  console.log('\nreq/s: requests over time summed across rounds; p50, p99: median of the rounds’ values.');
  for (const line of checks) console.log(line);
  if (failures.length === 0) console.log('non-2xx answers and connection errors: 0');
  else {
    console.log('\nNOT ALL ANSWERS WERE 2xx, OR NOT ALL MISSES MISSED:');
    for (const line of failures) console.log(`  ${line}`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  benchCacheMiss({ quick: process.argv.includes('--quick') }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
