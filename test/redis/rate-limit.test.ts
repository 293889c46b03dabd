import request from 'supertest';
import pino from 'pino';
import type { Redis } from 'ioredis';
import { createRateLimiter } from '../../src/http/rate-limit';
import { RedisLookupCache } from '../../src/cache/redis-cache';
import { exampleApp } from '../support/app';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { clientIdsNamed, deleteKeysWithPrefix, inspector, testRedisConfig, waitFor } from './support';

const prefix = uniqueTestNamespace('ratelimit');
const LIMIT = { points: 4, durationSeconds: 60 };
const PROBE = '/autodiscover/autodiscover.json/v1.0/pop.user@example.com?Protocol=AutodiscoverV1';

describeWithRedis('per-IP rate limit shared through Redis', () => {
  let redis: Redis;
  let cache: RedisLookupCache;
  const appWithSharedLimiter = () =>
    exampleApp({
      config: (config) => ({ ...config, rateLimit: { enabled: true, ...LIMIT } }),
      rateLimiter: createRateLimiter(LIMIT, cache.commandClient, prefix),
    });

  beforeAll(async () => {
    redis = inspector();
    cache = RedisLookupCache.connect(testRedisConfig(prefix), pino({ level: 'silent' }), { subscribe: false });
    await waitFor(() => cache.commandClient.status === 'ready', 'the Redis client to connect');
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await cache.close();
    redis.disconnect();
  });

  test('two instances › share one budget per IP: the 5th request across both gets 429', async () => {
    const [first, second] = [appWithSharedLimiter(), appWithSharedLimiter()];
    const statuses: number[] = [];
    for (const app of [first, second, first, second, first]) statuses.push((await request(app).get(PROBE)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  test('Redis connection killed › the in-memory insurance limiter answers; never a 5xx', async () => {
    await deleteKeysWithPrefix(redis, prefix);
    const app = appWithSharedLimiter();
    for (const id of await clientIdsNamed(redis, `${prefix}:cache`)) await redis.client('KILL', 'ID', id);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(app).get(PROBE)).status);
    expect(statuses.every((status) => status < 500)).toBe(true);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
  });
});
