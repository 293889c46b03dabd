import request from 'supertest';
import type { Redis } from 'ioredis';
import type { Service } from '../../src/compose';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { MutableDirectory } from '../support/mutable-directory';
import { clientIdsNamed, deleteKeysWithPrefix, inspector, redisInstance, testRedisConfig } from './support';

const prefix = uniqueTestNamespace('ratelimit');
const LIMIT = { points: 4, durationSeconds: 60 };
const PROBE = '/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=AutodiscoverV1';

describeWithRedis('per-IP rate limit shared through Redis', () => {
  const source = new MutableDirectory({ domains: [{ domain: 'example.com', defaultAccessType: 'pop' }] });
  let redis: Redis;
  let instances: Service[] = [];
  /** An instance as main.ts composes it with Redis configured: its limiter is the Redis-backed one. */
  const limitedInstance = async (): Promise<Service> => {
    const instance = redisInstance(source, testRedisConfig(prefix), undefined, (config) => ({
      ...config,
      rateLimit: { ...config.rateLimit, enabled: true, ...LIMIT },
    }));
    instances.push(instance);
    await instance.ready(5000);
    return instance;
  };

  beforeAll(() => {
    redis = inspector();
  });
  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    instances = [];
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(() => {
    redis.disconnect();
  });

  test('two instances › share one budget per IP: the 5th request across both gets 429', async () => {
    const [first, second] = [(await limitedInstance()).app, (await limitedInstance()).app];
    const statuses: number[] = [];
    for (const app of [first, second, first, second, first]) statuses.push((await request(app).get(PROBE)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  test('the counters live under <prefix>:v1:rl:, beside the cache keys', async () => {
    const { app } = await limitedInstance();
    await request(app).get(PROBE);
    const keys = await redis.keys(`${prefix}:v1:rl:*`);
    expect(keys).toHaveLength(1);
  });

  test('Redis connection killed › the in-memory insurance limiter answers; never a 5xx', async () => {
    const { app } = await limitedInstance();
    for (const id of await clientIdsNamed(redis, `${prefix}:cache`)) await redis.client('KILL', 'ID', id);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(app).get(PROBE)).status);
    expect(statuses.every((status) => status < 500)).toBe(true);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
  });
});
