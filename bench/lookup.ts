/**
 * Lookups per second through CachedDirectory in front of the file directory, with the in-process
 * MemoryLookupCache and with RedisLookupCache: uncached (every lookup a miss: cache read, directory,
 * cache write) and cached (every lookup a hit). Loopback only; bounded by lookup counts. Redis is
 * REDIS_URL / TEST_REDIS_URL (default redis://127.0.0.1:6379) under a key prefix of its own, deleted
 * afterwards; its row is skipped when Redis is not reachable. Run with `npm run bench -- lookup`.
 */
import { performance } from 'node:perf_hooks';
import { redisSchema } from '../src/config/cache-schema';
import type { AccountQuery } from '../src/directory/account-directory';
import type { CachedDirectory } from '../src/cache/cached-directory';
import { parseDirectoryData } from '../src/directory/directory-data';
import { FileDirectory } from '../src/directory/file-directory';
import { err, ok, type Result } from '../src/model/result';
import type { Service } from '../src/compose';
import { benchService } from './bench-service';

const MAILBOXES = 20_000;
const MAILBOXES_PER_DOMAIN = 50;
const CACHED_LOOKUPS = 200_000;
const IN_FLIGHT = 16;
/** Everything stays fresh for the whole run, so the second pass is all hits. */
const POLICY = { ttlSeconds: 3600, negativeTtlSeconds: 3600, staleGraceSeconds: 0, maxEntries: MAILBOXES * 2 };

/** One mailbox in four is unknown to the directory (the negative answers are cached too). */
function mailboxQueries(): AccountQuery[] {
  return Array.from({ length: MAILBOXES }, (_, index) => {
    const domain = `lookup${Math.floor(index / MAILBOXES_PER_DOMAIN)}.example`;
    return { domain, address: index % 4 === 3 ? `unknown${index}@${domain}` : `user${index}@${domain}` };
  });
}

function fileDirectory(queries: readonly AccountQuery[]): FileDirectory {
  const domains = [...new Set(queries.map((query) => query.domain))].map((domain) => ({
    domain,
    defaultAccessType: 'pop',
  }));
  const accounts = queries
    .filter((query) => !(query.address ?? '').startsWith('unknown'))
    .map((query) => ({ address: query.address, accessType: 'business' }));
  const data = parseDirectoryData('bench', { domains, accounts });
  if (!data.ok) throw new Error(data.error.join('\n'));
  return FileDirectory.fromData(data.value);
}

/** Runs `count` lookups, IN_FLIGHT at a time, and returns lookups per second. */
async function lookupsPerSecond(
  directory: CachedDirectory,
  queries: readonly AccountQuery[],
  count: number,
): Promise<number> {
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let index = issued++; index < count; index = issued++)
        await directory.lookup(queries[index % queries.length] as AccountQuery);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

interface Figures {
  readonly uncached: number;
  readonly cached: number;
}

/** First pass over fresh queries (all misses), then CACHED_LOOKUPS over the same queries (all hits). */
async function measureCache(service: Service, queries: readonly AccountQuery[]): Promise<Figures> {
  const { directory } = service;
  const uncached = await lookupsPerSecond(directory, queries, queries.length);
  const cached = await lookupsPerSecond(directory, queries, CACHED_LOOKUPS);
  return { uncached, cached };
}

/** REDIS_URL / TEST_REDIS_URL (default redis://127.0.0.1:6379) if on loopback, or why Redis is skipped. */
export function loopbackRedisUrl(): Result<string, string> {
  const url = process.env['REDIS_URL'] ?? process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const host = new URL(url).hostname;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(host) ? ok(url) : err(`skipped: ${host} is not loopback`);
}

async function measureRedis(source: FileDirectory, queries: readonly AccountQuery[]): Promise<Figures | string> {
  const url = loopbackRedisUrl();
  if (!url.ok) return url.error;
  const redis = redisSchema.parse({ url: url.value, keyPrefix: `bench_${process.pid}_${Date.now().toString(36)}` });
  const service = benchService(source, { ...POLICY, redis });
  try {
    await service.ready(3000);
  } catch (error) {
    await service.close();
    return `skipped: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    return await measureCache(service, queries);
  } finally {
    const domains = new Set(queries.map((query) => query.domain));
    for (const domain of domains) await service.directory.invalidate({ domain });
    await service.close();
  }
}

const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

export async function benchLookup(): Promise<void> {
  const queries = mailboxQueries();
  const source = fileDirectory(queries);
  const inProcess = benchService(source, POLICY);
  const memory = await measureCache(inProcess, queries);
  await inProcess.close();
  const redis = await measureRedis(source, queries);

  console.log(
    `\nLookups per second through CachedDirectory (file directory, ${MAILBOXES.toLocaleString('en-US')} distinct mailboxes, ` +
      `${IN_FLIGHT} in flight; uncached: each mailbox once, a miss then a store; cached: ${CACHED_LOOKUPS.toLocaleString('en-US')} hits)`,
  );
  console.log('| cache | uncached lookups/s | cached lookups/s |');
  console.log('|---|---:|---:|');
  console.log(`| in-process (MemoryLookupCache) | ${rate(memory.uncached)} | ${rate(memory.cached)} |`);
  if (typeof redis === 'string') console.log(`| Redis (RedisLookupCache) | ${redis} | - |`);
  else console.log(`| Redis (RedisLookupCache, loopback) | ${rate(redis.uncached)} | ${rate(redis.cached)} |`);
}

if (require.main === module) {
  void benchLookup();
}
