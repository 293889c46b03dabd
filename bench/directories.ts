/**
 * Directory lookups per second, uncached (the source itself) and cached (CachedDirectory with the
 * in-process MemoryLookupCache, every lookup a hit), for the file, PostgreSQL and HTTP directories.
 * Loopback only; bounded by a lookup count and a time cap per row. PostgreSQL is used in a schema of
 * its own (dropped afterwards) at DATABASE_URL / TEST_POSTGRES_URL (default the test database);
 * its row is skipped when that is not reachable. Run with `npm run bench`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { AccountDirectory, AccountQuery } from '../src/directory/account-directory';
import { parseDirectoryData, type DirectoryData } from '../src/directory/directory-data';
import { FileDirectory } from '../src/directory/file-directory';
import { HttpDirectory } from '../src/directory/http-directory';
import { migrate, seed } from '../src/directory/postgres-admin';
import { createPool, PostgresDirectory, type PostgresSettings } from '../src/directory/postgres-directory';
import { quoteIdentifier } from '../src/directory/postgres-schema';
import { benchService } from './bench-service';

const DOMAINS = 1000;
const ACCOUNTS_PER_DOMAIN = 20;
const DISTINCT_QUERIES = 5000;
const CONCURRENCY = 16;
const TIME_CAP_MS = Number(process.env['BENCH_SECONDS'] ?? 3) * 1000;
const LOOKUPS = { file: 500_000, postgres: 50_000, http: 50_000, cached: 500_000 } as const;

/** 1000 domains of 20 listed mailboxes each, alternating default access types. */
function benchData(): DirectoryData {
  const domains = Array.from({ length: DOMAINS }, (_, d) => ({
    domain: `bench${d}.example`,
    defaultAccessType: d % 2 === 0 ? 'pop' : 'business',
  }));
  const accounts = domains.flatMap(({ domain }, d) =>
    Array.from({ length: ACCOUNTS_PER_DOMAIN }, (_, a) => ({
      address: `user${a}@${domain}`,
      accessType: (a + d) % 3 === 0 ? 'business' : 'pop',
      displayName: `User ${a}`,
    })),
  );
  const data = parseDirectoryData('bench', { domains, accounts });
  if (!data.ok) throw new Error(data.error.join('\n'));
  return data.value;
}

/** A fixed mix: listed mailboxes, unknown mailboxes, domain-only queries, domains not hosted. */
function benchQueries(): AccountQuery[] {
  return Array.from({ length: DISTINCT_QUERIES }, (_, i) => {
    const domain = `bench${(i * 7) % DOMAINS}.example`;
    switch (i % 4) {
      case 0:
      case 1:
        return { domain, address: `user${i % ACCOUNTS_PER_DOMAIN}@${domain}` };
      case 2:
        return { domain, address: `nobody${i}@${domain}` };
      default:
        return i % 8 === 3
          ? { domain, address: null }
          : { domain: `absent${i}.example`, address: `x@absent${i}.example` };
    }
  });
}

/** Lookups per second with CONCURRENCY lookups in flight, until `limit` lookups or the time cap. */
async function measure(
  directory: AccountDirectory,
  queries: readonly AccountQuery[],
  limit: number,
): Promise<{ perSecond: number; lookups: number }> {
  let next = 0;
  const started = performance.now();
  const deadline = started + TIME_CAP_MS;
  const worker = async (): Promise<void> => {
    while (next < limit && (next % 256 !== 0 || performance.now() < deadline)) {
      const query = queries[next % queries.length];
      next += 1;
      if (query !== undefined) await directory.lookup(query);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: next / seconds, lookups: next };
}

/** The HTTP directory's endpoint (contract in src/directory/http-directory.ts), answering from memory. */
async function startDirectoryApi(data: DirectoryData): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const domain = data.domains.get(url.searchParams.get('domain') ?? '');
    if (domain === undefined) {
      res.writeHead(404).end();
      return;
    }
    const account = domain.accounts.get(url.searchParams.get('address') ?? '') ?? null;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ hosted: true, defaultAccessType: domain.defaultAccessType, account }));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Row {
  readonly name: string;
  readonly note: string;
  readonly uncached: { perSecond: number; lookups: number } | string;
  readonly cached: { perSecond: number; lookups: number } | string;
}

/** Lookups per second from the source itself, then through the composed service's cache; closes the source. */
async function benchOne(
  name: string,
  note: string,
  source: AccountDirectory,
  queries: readonly AccountQuery[],
  uncachedLimit: number,
): Promise<Row> {
  const service = benchService(source, {
    ttlSeconds: 3600,
    negativeTtlSeconds: 3600,
    staleGraceSeconds: 0,
    maxEntries: DISTINCT_QUERIES * 2,
  });
  try {
    const uncached = await measure(source, queries, uncachedLimit);
    for (const query of queries) await service.directory.lookup(query); // warm: every measured lookup is a hit
    return { name, note, uncached, cached: await measure(service.directory, queries, LOOKUPS.cached) };
  } finally {
    await service.close(); // closes the source too
  }
}

/** Settings for a fresh schema of its own on the loopback test database, or why it is skipped. */
export function postgresSettings(): PostgresSettings | string {
  const url =
    process.env['DATABASE_URL'] ?? process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) return `skipped: ${host} is not loopback`;
  return {
    url,
    schema: `bench_${process.pid}_${Date.now().toString(36)}`,
    poolMax: CONCURRENCY,
    connectionTimeoutMs: 2000,
    statementTimeoutMs: 2000,
    idleTimeoutMs: 30_000,
  };
}

async function benchPostgres(data: DirectoryData, queries: readonly AccountQuery[]): Promise<Row> {
  const settings = postgresSettings();
  const skipped = (reason: string): Row => ({ name: 'postgres', note: reason, uncached: '-', cached: '-' });
  if (typeof settings === 'string') return skipped(settings);
  const admin = createPool(settings, 'mail-autodiscover-bench');
  admin.on('error', () => undefined);
  try {
    await migrate(admin, settings.schema);
    await seed(admin, settings.schema, data, { replace: true });
  } catch (error) {
    await admin.end();
    return skipped(`skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
  const source = new PostgresDirectory(settings, pino({ level: 'silent' }));
  try {
    return await benchOne('postgres', `pool of ${CONCURRENCY}, prepared lookup`, source, queries, LOOKUPS.postgres);
  } finally {
    // benchOne closed the source (through the composed service).
    await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(settings.schema)} CASCADE`);
    await admin.end();
  }
}

function cell(value: Row['uncached']): string {
  return typeof value === 'string'
    ? value
    : `${Math.round(value.perSecond).toLocaleString('en-US')} (${value.lookups.toLocaleString('en-US')})`;
}

export async function benchDirectories(): Promise<void> {
  const data = benchData();
  const queries = benchQueries();
  const rows: Row[] = [];

  rows.push(
    await benchOne('file', 'in memory, reloaded on change', FileDirectory.fromData(data), queries, LOOKUPS.file),
  );
  rows.push(await benchPostgres(data, queries));
  const api = await startDirectoryApi(data);
  try {
    const port = (api.address() as AddressInfo).port;
    const http = new HttpDirectory({
      urlTemplate: `http://127.0.0.1:${port}/directory?domain={domain}&address={address}`,
      timeoutMs: 2000,
      maxResponseBytes: 65536,
    });
    rows.push(await benchOne('http', 'node:http endpoint on loopback, keep-alive', http, queries, LOOKUPS.http));
  } finally {
    api.closeAllConnections();
    api.close();
  }

  console.log(
    `\nDirectory lookups per second (${DOMAINS} domains x ${ACCOUNTS_PER_DOMAIN} mailboxes, ${DISTINCT_QUERIES} distinct queries, ${CONCURRENCY} in flight, at most ${TIME_CAP_MS / 1000}s a cell; lookups done in brackets)`,
  );
  console.log('| directory | uncached lookups/s | cached lookups/s (MemoryLookupCache hits) | notes |');
  console.log('|---|---:|---:|---|');
  for (const row of rows) console.log(`| ${row.name} | ${cell(row.uncached)} | ${cell(row.cached)} | ${row.note} |`);
}

if (require.main === module) {
  void benchDirectories();
}
