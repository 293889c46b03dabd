/** /readyz and /metrics with a real Redis as the cache: its state reported, its failed commands counted. */
import request from 'supertest';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { exampleDirectory } from '../support/app';
import { startStallingRedis, redisInstance, testRedisConfig } from './support';

const prefix = uniqueTestNamespace('observe');

describeWithRedis('observability with Redis', () => {
  test('/readyz reports the Redis cache and its connection state', async () => {
    const instance = redisInstance(exampleDirectory(), testRedisConfig(prefix));
    try {
      await instance.ready(5_000);
      const res = await request(instance.app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', directory: 'ok', cache: { kind: 'redis', state: 'ready' } });
    } finally {
      await instance.close();
    }
  });

  test('a Redis that does not answer › lookups still answered, its failed commands counted, /readyz still 200', async () => {
    const stalling = await startStallingRedis();
    const instance = redisInstance(exampleDirectory(), testRedisConfig(prefix, { url: stalling.url }));
    try {
      const answer = await request(instance.app).get('/mail/config-v1.1.xml?emailaddress=pop.user%40example.com');
      expect(answer.status).toBe(200);
      const metrics = await request(instance.app).get('/metrics');
      const errors = /^mail_autodiscover_cache_errors_total (\d+)$/m.exec(metrics.text);
      expect(Number(errors?.[1])).toBeGreaterThanOrEqual(1);
      const ready = await request(instance.app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.text).toContain('"kind":"redis"');
    } finally {
      await instance.close();
      await stalling.close();
    }
  });
});
