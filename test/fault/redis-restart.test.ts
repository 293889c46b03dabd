import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { redisSchema } from '../../src/config/cache-schema';
import { FileDirectory } from '../../src/directory/file-directory';
import { uniqueTestNamespace } from '../support/backends';
import { capturingLogger, INFO, waitFor, WARN } from '../redis/support';
import { faultAccounts, listen, mixedAsk, runLoad, summaryLine, Tally } from './load';

/**
 * Load test: about 3000 requests over the four endpoints while the cache's Redis is killed
 * (SIGKILL) and started again. Uses a redis-server of its own on a free port, never the shared one.
 * Every answer must be right; the cache must be back in use afterwards.
 */

const REDIS_SERVER_FOUND = spawnSync('redis-server', ['--version']).error === undefined;
if (!REDIS_SERVER_FOUND) {
  if (process.env['CI'] === 'true')
    throw new Error('CI=true but the redis-server binary is not on PATH; test/fault/redis-restart.test.ts needs it');
  process.stderr.write(
    '\n[fault] SKIPPING test/fault/redis-restart.test.ts: no redis-server binary on PATH. Install Redis and rerun.\n',
  );
}
const describeWithRedisServer: jest.Describe = REDIS_SERVER_FOUND ? describe : describe.skip;

const CONCURRENCY = 24;
const MIN_REQUESTS = 3000;
/** Requests answered with Redis gone, and after the cache is connected again. */
const WHILE_DOWN = 500;
const AFTER_RECOVERY = 600;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startRedisServer(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describeWithRedisServer('fault: Redis killed and restarted under load', () => {
  const prefix = uniqueTestNamespace('fault_redis');
  const { data, listed, unlisted } = faultAccounts();
  const mailboxes = [...listed, ...unlisted];
  const { logger, lines } = capturingLogger();
  let port = 0;
  let redisServer: ChildProcess | undefined;
  /** Our own look into the test Redis; reconnects by itself after the restart. */
  let inspector: Redis | undefined;
  let service: Awaited<ReturnType<typeof listen>> | undefined;

  beforeAll(async () => {
    port = await freePort();
    redisServer = startRedisServer(port);
    inspector = new Redis({ host: '127.0.0.1', port, connectionName: `${prefix}:inspector` });
    inspector.on('error', () => undefined);
    await inspector.ping();
    // ttl 1 s: answers keep expiring, so lookups go on reading and writing Redis throughout.
    service = await listen(FileDirectory.fromData(data), CONCURRENCY, {
      logger,
      cache: {
        redis: redisSchema.parse({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix }),
        ttlSeconds: 1,
        negativeTtlSeconds: 1,
        staleGraceSeconds: 30,
      },
    });
    await service.service.ready(5000);
  });

  afterAll(async () => {
    await service?.close();
    inspector?.disconnect();
    await stop(redisServer);
  });

  test('about 3000 requests across the restart › 0 5xx, 0 wrong, 0 lost; the cache is used again afterwards', async () => {
    if (service === undefined || inspector === undefined) throw new Error('set up in beforeAll');
    const tally = new Tally();
    let stopped = false;
    const load = runLoad(service, {
      concurrency: CONCURRENCY,
      maxRequests: 30_000,
      timeoutMs: 10_000,
      tally,
      nextAsk: (index) => (stopped ? undefined : mixedAsk(index, mailboxes)),
    });

    const restart = async (): Promise<{ before: number; down: number; recoveredAt: number }> => {
      await waitFor(() => tally.requests >= MIN_REQUESTS / 3, 'the first third of the requests', 20_000);
      const before = tally.requests;
      await stop(redisServer);
      await waitFor(() => tally.requests >= before + WHILE_DOWN, 'requests answered while Redis is down', 20_000);
      const down = tally.requests - before;
      redisServer = startRedisServer(port);
      await inspector?.ping();
      // The cache's own connections come back with their back-off (at most 2 s between attempts).
      await waitFor(
        () => lines.some((line) => line.level === INFO && line.msg === 'Redis cache available again'),
        'the cache to reconnect',
        20_000,
      );
      const recoveredAt = tally.requests;
      await waitFor(
        () => tally.requests >= Math.max(MIN_REQUESTS, recoveredAt + AFTER_RECOVERY),
        'requests after the recovery',
        20_000,
      );
      return { before, down, recoveredAt };
    };
    const phases = await restart().finally(() => {
      stopped = true;
    });
    await load;

    // The restarted server started empty: keys and hits there were made after the restart.
    const keys = await inspector.keys(`${prefix}:*`);
    const hits = Number(/keyspace_hits:(\d+)/.exec(await inspector.info('stats'))?.[1] ?? 0);
    const line = summaryLine(
      'redis-restart',
      tally,
      ` (Redis SIGKILLed after ${phases.before}, ${phases.down} answered while it was down, cache reconnected at ${phases.recoveredAt}; ` +
        `after the restart ${keys.length} keys written, ${hits} cache hits)`,
    );
    console.log(line);

    expect(tally.problems).toEqual([]);
    expect({ fiveXx: tally.fiveXx, wrong: tally.wrong, lost: tally.lost }).toEqual({ fiveXx: 0, wrong: 0, lost: 0 });
    expect(tally.correct).toBe(tally.requests);
    expect(tally.requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(keys.length).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(0);
    // One outage, one recovery: the restart was seen and is over.
    const outages = lines.filter((entry) => entry.level === WARN && entry.msg.startsWith('Redis cache unavailable'));
    expect(outages).toHaveLength(1);
  }, 50_000);
});
