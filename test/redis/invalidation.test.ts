import type { Redis } from 'ioredis';
import request from 'supertest';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { MutableDirectory, type AccountsInput } from '../support/mutable-directory';
import {
  deleteKeysWithPrefix,
  inspector,
  offeredAccessType,
  redisInstance,
  TEST_ADMIN_TOKEN,
  testRedisConfig,
} from './support';

const prefix = uniqueTestNamespace('invalidation');

const ACCOUNTS: AccountsInput = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' },
    { domain: 'example.org', defaultAccessType: 'business' },
  ],
  accounts: [{ address: 'jane@example.com', accessType: 'business' }],
};

describeWithRedis('POST /admin/cache/invalidate › two instances sharing Redis', () => {
  type Instance = ReturnType<typeof redisInstance>;
  let redis: Redis;
  let one: Instance;
  let two: Instance;
  const source = new MutableDirectory(ACCOUNTS);

  const offered = async (instance: Instance, address: string): Promise<string> => {
    const res = await request(instance.app).get('/mail/config-v1.1.xml').query({ emailaddress: address });
    expect(res.status).toBe(200);
    return offeredAccessType(res.text);
  };
  const invalidate = (instance: Instance, body: object, token = TEST_ADMIN_TOKEN) =>
    request(instance.app).post('/admin/cache/invalidate').set('Authorization', `Bearer ${token}`).send(body);

  beforeAll(async () => {
    redis = inspector();
    one = redisInstance(source, testRedisConfig(prefix));
    two = redisInstance(source, testRedisConfig(prefix));
    await Promise.all([one.ready(5000), two.ready(5000)]);
  });
  beforeEach(() => {
    source.replace(ACCOUNTS);
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await Promise.all([one.directory.close(), two.directory.close()]);
    await redis.quit();
  });

  test('address › dropped on A › B answers with the changed access type', async () => {
    expect(await offered(one, 'jane@example.com')).toBe('business');
    const lookups = source.lookups;
    expect(await offered(two, 'jane@example.com')).toBe('business');
    expect(source.lookups).toBe(lookups); // B was answered from Redis

    source.replace({ ...ACCOUNTS, accounts: [{ address: 'jane@example.com', accessType: 'pop' }] });
    expect(await offered(two, 'jane@example.com')).toBe('business'); // still cached

    const res = await invalidate(one, { address: 'Jane@EXAMPLE.com' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ invalidated: { address: 'jane@example.com' } });
    expect(await offered(two, 'jane@example.com')).toBe('pop');
    expect(await offered(one, 'jane@example.com')).toBe('pop');
  });

  test('domain › dropped on B › A answers every mailbox of the domain anew', async () => {
    for (const address of ['ann@example.org', 'bob@example.org']) {
      expect(await offered(one, address)).toBe('business');
      expect(await offered(two, address)).toBe('business');
    }
    expect(await offered(one, 'jane@example.com')).toBe('business');

    source.replace({
      domains: [
        { domain: 'example.com', defaultAccessType: 'pop' },
        { domain: 'example.org', defaultAccessType: 'pop' },
      ],
      accounts: [{ address: 'jane@example.com', accessType: 'pop' }],
    });
    const res = await invalidate(two, { domain: 'EXAMPLE.org' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ invalidated: { domain: 'example.org' } });

    expect(await offered(one, 'ann@example.org')).toBe('pop');
    expect(await offered(one, 'bob@example.org')).toBe('pop');
    expect(await offered(one, 'jane@example.com')).toBe('business'); // another domain: still cached
  });

  test('wrong token › 401, nothing dropped', async () => {
    expect(await offered(one, 'jane@example.com')).toBe('business');
    source.replace({ ...ACCOUNTS, accounts: [{ address: 'jane@example.com', accessType: 'pop' }] });
    const res = await invalidate(one, { address: 'jane@example.com' }, 'not-the-admin-token-at-all');
    expect(res.status).toBe(401);
    expect(await offered(two, 'jane@example.com')).toBe('business');
  });
});
