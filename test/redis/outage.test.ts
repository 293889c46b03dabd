import type { Redis } from 'ioredis';
import request from 'supertest';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { MutableDirectory, type AccountsInput } from '../support/mutable-directory';
import {
  capturingLogger,
  clientIdsNamed,
  deleteKeysWithPrefix,
  INFO,
  inspector,
  offeredAccessType,
  redisInstance,
  startStallingRedis,
  TEST_ADMIN_TOKEN,
  testRedisConfig,
  waitFor,
  WARN,
  type LogLine,
} from './support';

const prefix = uniqueTestNamespace('outage');

const ACCOUNTS: AccountsInput = {
  domains: [{ domain: 'example.com', defaultAccessType: 'pop' }],
  accounts: [{ address: 'jane@example.com', accessType: 'business' }],
};

const outageWarnings = (lines: readonly LogLine[]) =>
  lines.filter((line) => line.level === WARN && line.msg.startsWith('Redis cache unavailable'));
const recoveries = (lines: readonly LogLine[]) =>
  lines.filter((line) => line.level === INFO && line.msg === 'Redis cache available again');

type Instance = ReturnType<typeof redisInstance>;

/** GETs autoconfig for jane `times` times at once; every answer must be a correct 200. */
async function askJane(instance: Instance, times: number): Promise<void> {
  const answers = await Promise.all(
    Array.from({ length: times }, () =>
      request(instance.app).get('/mail/config-v1.1.xml').query({ emailaddress: 'jane@example.com' }),
    ),
  );
  for (const res of answers) {
    expect(res.status).toBe(200);
    expect(offeredAccessType(res.text)).toBe('business');
  }
}

describeWithRedis('Redis connections killed mid-test (CLIENT KILL ID)', () => {
  let redis: Redis;
  let instance: Instance;
  const source = new MutableDirectory(ACCOUNTS);
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    redis = inspector();
    instance = redisInstance(source, testRedisConfig(prefix), logger);
    await instance.ready(5000);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await instance.directory.close();
    await redis.quit();
  });

  test('answers stay correct during the outage, one warning and one recovery line, caching and invalidation resume', async () => {
    await askJane(instance, 2);
    expect(source.lookups).toBe(1);

    // Only this instance's connections: TYPE normal would also cut the other test files' clients.
    const ids = [
      ...(await clientIdsNamed(redis, `${prefix}:cache`)),
      ...(await clientIdsNamed(redis, `${prefix}:invalidations`)),
    ];
    expect(ids).toHaveLength(2);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    await waitFor(() => outageWarnings(lines).length > 0, 'the outage warning');

    await askJane(instance, 20);
    await instance.ready(5000);
    await waitFor(() => recoveries(lines).length > 0, 'the recovery line');
    expect(outageWarnings(lines)).toHaveLength(1);
    expect(recoveries(lines)).toHaveLength(1);

    // Back to normal: answered from Redis again, and invalidations are heard on the new connection.
    const lookups = source.lookups;
    await askJane(instance, 3);
    expect(source.lookups).toBe(lookups);
    const heard: unknown[] = [];
    instance.cache.onInvalidation?.((scope) => heard.push(scope));
    await redis.publish(`${prefix}:v1:invalidate`, JSON.stringify({ v: 1, domain: 'example.com' }));
    await waitFor(() => heard.length === 1, 'the invalidation message');
  });
});

describe('Redis unreachable (closed port 127.0.0.1:1)', () => {
  const source = new MutableDirectory(ACCOUNTS);
  const { logger, lines } = capturingLogger();
  let instance: Instance;

  beforeAll(() => {
    instance = redisInstance(
      source,
      testRedisConfig(uniqueTestNamespace('closed_port'), { url: 'redis://127.0.0.1:1' }),
      logger,
    );
  });
  afterAll(async () => {
    await instance.directory.close();
  });

  test('GET autoconfig › answered from the directory every time, one warning in all', async () => {
    await askJane(instance, 5);
    await askJane(instance, 5);
    expect(source.lookups).toBeGreaterThanOrEqual(2);
    expect(outageWarnings(lines)).toHaveLength(1);
    expect(lines.filter((line) => line.level > WARN)).toEqual([]);
  });

  test('POST /admin/cache/invalidate › 503 CacheUnavailable, with a message saying nothing was dropped', async () => {
    const res = await request(instance.app)
      .post('/admin/cache/invalidate')
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({ address: 'jane@example.com' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: 'CacheUnavailable',
      message: expect.stringContaining('nothing was dropped') as unknown,
    });
  });
});

describe('Redis too slow (connects, then never answers a command)', () => {
  const source = new MutableDirectory(ACCOUNTS);
  const { logger, lines } = capturingLogger();
  let instance: Instance;
  let stalling: Awaited<ReturnType<typeof startStallingRedis>>;

  beforeAll(async () => {
    stalling = await startStallingRedis();
    instance = redisInstance(
      source,
      testRedisConfig(uniqueTestNamespace('stalling'), { url: stalling.url, commandTimeoutMs: 50 }),
      logger,
    );
    await instance.ready(5000);
  });
  afterAll(async () => {
    await instance.directory.close();
    await stalling.close();
  });

  test('GET autoconfig › commands time out, answers come from the directory, one warning', async () => {
    await askJane(instance, 3);
    await askJane(instance, 3);
    expect(source.lookups).toBeGreaterThanOrEqual(2);
    expect(outageWarnings(lines)).toHaveLength(1);
    expect(outageWarnings(lines)[0]).toMatchObject({ reason: 'Command timed out', connection: 'cache' });
  });
});
