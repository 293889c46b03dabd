import type { Redis } from 'ioredis';
import pino from 'pino';
import { NOT_HOSTED, type AccountQuery, type DirectoryAnswer } from '../../src/directory/account-directory';
import { CachedDirectory, type CachePolicy } from '../../src/cache/cached-directory';
import type { InvalidationTarget } from '../../src/cache/invalidation-target';
import { RedisLookupCache } from '../../src/cache/redis-cache';
import { describeWithRedis, uniqueTestNamespace } from '../support/backends';
import { MutableDirectory } from '../support/mutable-directory';
import { deleteKeysWithPrefix, inspector, testRedisConfig } from './support';

const silent = pino({ level: 'silent' });
const prefix = uniqueTestNamespace('redis_cache');
const READY_MS = 5000;

const jane: AccountQuery = { domain: 'example.com', address: 'jane@example.com' };
const POP_KNOWN: DirectoryAnswer = { hosted: true, accessType: 'pop', mailbox: 'known', displayName: 'Jane' };

const ACCOUNTS = {
  domains: [
    { domain: 'example.com', defaultAccessType: 'pop' as const },
    { domain: 'example.org', defaultAccessType: 'business' as const },
  ],
  accounts: [
    { address: 'jane@example.com', accessType: 'business' as const },
    { address: 'joe@example.org', accessType: 'pop' as const },
  ],
};

describeWithRedis('RedisLookupCache › real Redis', () => {
  let redis: Redis;
  const caches: RedisLookupCache[] = [];
  const open = async (keyPrefix = prefix): Promise<RedisLookupCache> => {
    const cache = RedisLookupCache.connect(testRedisConfig(keyPrefix), silent);
    caches.push(cache);
    await cache.ready(READY_MS);
    return cache;
  };

  beforeAll(() => {
    redis = inspector();
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
    await redis.quit();
  });

  test('set then get › same answer back, under <prefix>:v1:<domain>|<mailbox>, value versioned', async () => {
    const cache = await open();
    await cache.set(jane, { answer: POP_KNOWN, freshUntil: 1234 }, 60);
    await expect(cache.get(jane)).resolves.toEqual({ answer: POP_KNOWN, freshUntil: 1234 });
    const raw = await redis.get(`${prefix}:v1:example.com|jane@example.com`);
    expect(JSON.parse(raw ?? 'null')).toEqual({ v: 1, f: 1234, a: POP_KNOWN });
  });

  test('an answer with a platform › stored and read back with it; an entry written before platforms › read as before', async () => {
    const cache = await open();
    const platform = {
      name: 'hosting02',
      businessMail: { host: 'exchange02.example.net', windowsDomain: 'hosting02' },
    };
    const onPlatform: DirectoryAnswer = { ...POP_KNOWN, accessType: 'business', platform };
    const query = { domain: 'hosting02.example', address: 'jane@hosting02.example' };
    await cache.set(query, { answer: onPlatform, freshUntil: 1234 }, 60);
    await expect(cache.get(query)).resolves.toEqual({ answer: onPlatform, freshUntil: 1234 });
    // What the previous release wrote (the same format version, no platform key): still a hit.
    await redis.set(`${prefix}:v1:example.com|jane@example.com`, JSON.stringify({ v: 1, f: 77, a: POP_KNOWN }));
    const before = await cache.get(jane);
    expect(before).toEqual({ answer: POP_KNOWN, freshUntil: 77 });
    expect(before?.answer).not.toHaveProperty('platform');
  });

  test('get › nothing stored › miss', async () => {
    const cache = await open();
    await expect(cache.get({ domain: 'example.com', address: 'nobody@example.com' })).resolves.toBeUndefined();
  });

  test('not hosted › stored and read back as NOT_HOSTED', async () => {
    const cache = await open();
    const query = { domain: 'elsewhere.example', address: null };
    await cache.set(query, { answer: NOT_HOSTED, freshUntil: 99 }, 60);
    await expect(cache.get(query)).resolves.toEqual({ answer: NOT_HOSTED, freshUntil: 99 });
    expect(await redis.get(`${prefix}:v1:elsewhere.example|`)).toBe('{"v":1,"f":99,"a":{"hosted":false}}');
  });

  test.each([
    ['another format version', JSON.stringify({ v: 2, f: 1, a: POP_KNOWN })],
    ['not JSON', 'pop'],
    ['an unknown access type', JSON.stringify({ v: 1, f: 1, a: { ...POP_KNOWN, accessType: 'imap' } })],
    ['a missing freshness', JSON.stringify({ v: 1, a: POP_KNOWN })],
    [
      'a platform the checks refuse',
      JSON.stringify({
        v: 1,
        f: 1,
        a: { ...POP_KNOWN, platform: { name: 'x', popAccess: { imap: { host: 'a b' } } } },
      }),
    ],
  ])('get › value with %s › miss, not an error', async (_what, value) => {
    const cache = await open();
    await redis.set(`${prefix}:v1:example.com|jane@example.com`, value);
    await expect(cache.get(jane)).resolves.toBeUndefined();
  });

  test('set › kept for keepSeconds (PTTL), nothing kept for 0', async () => {
    const cache = await open();
    await cache.set(jane, { answer: POP_KNOWN, freshUntil: 1 }, 90);
    const pttl = await redis.pttl(`${prefix}:v1:example.com|jane@example.com`);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    const other = { domain: 'example.com', address: 'other@example.com' };
    await cache.set(other, { answer: POP_KNOWN, freshUntil: 1 }, 0);
    expect(await redis.exists(`${prefix}:v1:example.com|other@example.com`)).toBe(0);
  });

  test('invalidate mailbox › only that mailbox is dropped', async () => {
    const cache = await open();
    const joe = { domain: 'example.com', address: 'joe@example.com' };
    await cache.set(jane, { answer: POP_KNOWN, freshUntil: 1 }, 60);
    await cache.set(joe, { answer: POP_KNOWN, freshUntil: 1 }, 60);
    await cache.invalidate({ address: 'jane@example.com' });
    await expect(cache.get(jane)).resolves.toBeUndefined();
    await expect(cache.get(joe)).resolves.toBeDefined();
  });

  test('invalidate domain › every key of the domain, none of a longer domain or another prefix', async () => {
    const cache = await open();
    const otherPrefix = `${prefix}_other`;
    const other = await open(otherPrefix);
    const entry = { answer: POP_KNOWN, freshUntil: 1 };
    const kept = [
      { domain: 'example.com.au', address: 'jane@example.com.au' },
      { domain: 'myexample.com', address: null },
    ];
    await cache.set({ domain: 'example.com', address: null }, entry, 60);
    await cache.set(jane, entry, 60);
    for (const query of kept) await cache.set(query, entry, 60);
    await other.set(jane, entry, 60);

    const report = await cache.invalidateEverywhere({ domain: 'example.com' });

    expect(report.deletedKeys).toBe(2);
    await expect(cache.get(jane)).resolves.toBeUndefined();
    await expect(cache.get({ domain: 'example.com', address: null })).resolves.toBeUndefined();
    for (const query of kept) await expect(cache.get(query)).resolves.toBeDefined();
    await expect(other.get(jane)).resolves.toBeDefined();
    await deleteKeysWithPrefix(redis, otherPrefix);
  });

  test('invalidate domain › more keys than one SCAN batch › all dropped', async () => {
    const cache = await open();
    const pipeline = redis.pipeline();
    for (let index = 0; index < 1200; index += 1)
      pipeline.set(`${prefix}:v1:big.example|user${index}@big.example`, '{}', 'EX', 60);
    await pipeline.exec();
    const report = await cache.invalidateEverywhere({ domain: 'big.example' });
    expect(report.deletedKeys).toBe(1200);
    const [, left] = await redis.scan('0', 'MATCH', `${prefix}:v1:big.example|*`, 'COUNT', 5000);
    expect(left).toEqual([]);
  });

  test('invalidate › every instance on the prefix hears it (pub/sub), including the one that sent it', async () => {
    const sender = await open();
    const receiver = await open();
    const heard: { by: string; scope: InvalidationTarget }[] = [];
    sender.onInvalidation((scope) => heard.push({ by: 'sender', scope }));
    receiver.onInvalidation((scope) => heard.push({ by: 'receiver', scope }));

    const report = await sender.invalidateEverywhere({ domain: 'example.org' });

    expect(report.notifiedInstances).toBeGreaterThanOrEqual(2);
    await waitForLength(heard, 2);
    expect(heard).toEqual(
      expect.arrayContaining([
        { by: 'sender', scope: { domain: 'example.org' } },
        { by: 'receiver', scope: { domain: 'example.org' } },
      ]),
    );
  });

  test('invalidation channel › garbage messages are ignored', async () => {
    const cache = await open();
    const heard: InvalidationTarget[] = [];
    cache.onInvalidation((scope) => heard.push(scope));
    await redis.publish(`${prefix}:v1:invalidate`, 'not json');
    await redis.publish(`${prefix}:v1:invalidate`, JSON.stringify({ v: 2, domain: 'example.com' }));
    await redis.publish(`${prefix}:v1:invalidate`, JSON.stringify({ v: 1, mailbox: 'jane@example.com' }));
    await waitForLength(heard, 1);
    expect(heard).toEqual([{ address: 'jane@example.com' }]);
  });
});

describeWithRedis('CachedDirectory › RedisLookupCache', () => {
  let redis: Redis;
  let cache: RedisLookupCache;
  let clock = 1_000_000;
  const policy: CachePolicy = { ttlSeconds: 300, negativeTtlSeconds: 60, staleGraceSeconds: 0 };

  beforeAll(async () => {
    redis = inspector();
    cache = RedisLookupCache.connect(testRedisConfig(prefix), silent);
    await cache.ready(READY_MS);
  });
  afterEach(async () => {
    await deleteKeysWithPrefix(redis, prefix);
  });
  afterAll(async () => {
    await cache.close();
    await redis.quit();
  });

  const setUp = (): { source: MutableDirectory; directory: CachedDirectory } => {
    const source = new MutableDirectory(ACCOUNTS);
    return { source, directory: new CachedDirectory(source, cache, policy, () => clock) };
  };

  test('second lookup › cache hit › the directory is asked once', async () => {
    const { source, directory } = setUp();
    const first = await directory.lookup(jane);
    const second = await directory.lookup(jane);
    expect(first).toEqual({ hosted: true, accessType: 'business', mailbox: 'known', displayName: null });
    expect(second).toEqual(first);
    expect(source.lookups).toBe(1);
  });

  test('a second instance (own CachedDirectory) › answered from Redis, directory not asked again', async () => {
    const one = setUp();
    const secondCache = RedisLookupCache.connect(testRedisConfig(prefix), silent);
    const two = new CachedDirectory(one.source, secondCache, policy, () => clock);
    await secondCache.ready(READY_MS);
    await one.directory.lookup(jane);
    await expect(two.lookup(jane)).resolves.toMatchObject({ accessType: 'business' });
    expect(one.source.lookups).toBe(1);
    await two.close();
  });

  test('unknown mailbox and unknown domain › negative TTL (PTTL), asked again once it passes; known answer still fresh', async () => {
    const { source, directory } = setUp();
    const unknownMailbox = { domain: 'example.com', address: 'nobody@example.com' };
    const unknownDomain = { domain: 'not-hosted.example', address: 'x@not-hosted.example' };
    await directory.lookup(jane);
    await expect(directory.lookup(unknownMailbox)).resolves.toEqual({
      hosted: true,
      accessType: 'pop',
      mailbox: 'unknown',
      displayName: null,
    });
    await expect(directory.lookup(unknownDomain)).resolves.toEqual({ hosted: false });
    expect(source.lookups).toBe(3);

    const ttlOf = (query: AccountQuery) => redis.pttl(`${prefix}:v1:${query.domain}|${query.address ?? ''}`);
    expect(await ttlOf(jane)).toBeGreaterThan(290_000);
    for (const query of [unknownMailbox, unknownDomain]) {
      const pttl = await ttlOf(query);
      expect(pttl).toBeGreaterThan(55_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
    }

    clock += 61_000; // past the negative TTL, well within the positive one
    await directory.lookup(unknownMailbox);
    await directory.lookup(unknownDomain);
    await directory.lookup(jane);
    expect(source.lookups).toBe(5);
    clock -= 61_000;
  });

  test('burst of lookups for one uncached address › the directory is asked once', async () => {
    const { source, directory } = setUp();
    const answers = await Promise.all(Array.from({ length: 50 }, () => directory.lookup(jane)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(source.lookups).toBe(1);
  });

  test('invalidation while a lookup is in flight › its (old) answer is returned but not stored', async () => {
    const source = new MutableDirectory(ACCOUNTS);
    let release: () => void = () => undefined;
    let entered: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const asked = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const slow = {
      lookup: async (query: AccountQuery) => {
        entered();
        await gate;
        return source.lookup(query);
      },
      close: async () => undefined,
    };
    const directory = new CachedDirectory(slow, cache, policy, () => clock);
    const pending = directory.lookup(jane);
    await asked; // the lookup has read the directory's (old) data
    await directory.invalidate({ address: 'jane@example.com' });
    release();
    await expect(pending).resolves.toMatchObject({ accessType: 'business' });
    expect(await redis.exists(`${prefix}:v1:example.com|jane@example.com`)).toBe(0);
  });

  test('invalidate › the next lookup asks the directory and sees its change', async () => {
    const { source, directory } = setUp();
    await directory.lookup(jane);
    source.replace({ ...ACCOUNTS, accounts: [{ address: 'jane@example.com', accessType: 'pop' }] });
    await expect(directory.lookup(jane)).resolves.toMatchObject({ accessType: 'business' });
    await directory.invalidate({ address: 'jane@example.com' });
    await expect(directory.lookup(jane)).resolves.toMatchObject({ accessType: 'pop' });
  });
});

async function waitForLength(list: readonly unknown[], length: number): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (list.length < length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
